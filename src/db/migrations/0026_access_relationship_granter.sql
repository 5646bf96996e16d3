-- Who gave each care relationship (MHLW 運用編 アクセス制御: need-to-know is established by a clinician). A clerk
-- opening a visit for a department and an attending doctor relates them to the patient, but such a relationship
-- must not open very restricted (V) records: only one a doctor or nurse gave, or the doctor's own registration of
-- the patient, does. `granted_by` is the account whose write first derived the row; a later edit of the same
-- resource that keeps the row keeps its granter.
alter table access_care_relationship add column granted_by uuid;
alter table access_care_relationship add column granted_by_clinician boolean not null default false;

-- Rows written before this migration: the registering clinician granted their own; for the others the best record
-- of who gave them is the author of the resource's current version.
update access_care_relationship r
set granted_by = coalesce(
  r.account_id,
  (select v.author_id from fhir_resource_version v where v.resource_type = r.source_type and v.id = r.source_id order by v.version desc limit 1)
);
update access_care_relationship r
set granted_by_clinician = exists (select 1 from identity_account a where a.id = r.granted_by and a.roles && array['doctor', 'nurse']::text[]);
