-- The sensitivity label decides who may see a version before it is decrypted (access policies), so it is kept in
-- clear beside it: N, R or V of the v3-Confidentiality code system (docs/data-at-rest.md).
alter table fhir_resource_version add column confidentiality text not null default 'N' check (confidentiality in ('N', 'R', 'V'));

-- Type history (GET /<type>/_history) walks versions newest first.
create index fhir_resource_version_type_updated on fhir_resource_version (resource_type, last_updated desc, id, version);

-- $everything and the patient's export read every current resource of one patient.
create index fhir_resource_version_patient_type on fhir_resource_version (patient_id, resource_type, id, version desc);
drop index fhir_resource_version_patient;

-- 真正性 (TRU-1): a version, once written, is never changed or removed. The only permitted change is re-encryption
-- of the same content under a new data key (key rotation), so body and data_key_id alone may be replaced.
create function fhir_version_immutable() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'fhir_resource_version rows are never deleted' using errcode = 'P0001';
  end if;
  if (new.resource_type, new.id, new.version, new.patient_id, new.is_deleted, new.last_updated, new.author_id, new.confidentiality)
     is distinct from (old.resource_type, old.id, old.version, old.patient_id, old.is_deleted, old.last_updated, old.author_id, old.confidentiality) then
    raise exception 'fhir_resource_version rows are never changed' using errcode = 'P0001';
  end if;
  return new;
end;
$$;

create trigger fhir_version_immutable before update or delete on fhir_resource_version
  for each row execute function fhir_version_immutable();
