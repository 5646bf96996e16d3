-- The sensitivity label decides who may see a version before it is decrypted (access policies), so it is kept in
-- clear beside it: N, R or V of the v3-Confidentiality code system (docs/data-at-rest.md).
alter table fhir_resource_version add column confidentiality text not null default 'N' check (confidentiality in ('N', 'R', 'V'));

-- Type history (GET /<type>/_history) walks versions newest first.
create index fhir_resource_version_type_updated on fhir_resource_version (resource_type, last_updated desc, id, version);

-- $everything and the patient's export read every current resource of one patient.
create index fhir_resource_version_patient_type on fhir_resource_version (patient_id, resource_type, id, version desc);
drop index fhir_resource_version_patient;
