-- Patient accounts (PHR portal): a patient account is linked to exactly one Patient record, and an invitation
-- for a patient names that record. Only ids: the link reveals which account belongs to which record id.
alter table identity_account add column patient_id text;
create unique index identity_account_patient on identity_account (patient_id) where patient_id is not null;
alter table identity_invitation add column patient_id text;
