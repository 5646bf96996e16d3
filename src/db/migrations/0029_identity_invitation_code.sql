-- Patient invitations (AUTH-6): the link goes to the address on the Patient record and a one-time code is handed to
-- the patient in person by the inviting clinician; acceptance needs both. Only the code's SHA-256 is kept. Wrong
-- codes are counted: the invitation is void after 5.
alter table identity_invitation add column code_hash bytea;
alter table identity_invitation add column code_failures integer not null default 0;
-- A new invitation for a patient withdraws the open ones for the same patient.
create index identity_invitation_open_patient on identity_invitation (patient_id) where patient_id is not null and used_at is null;
