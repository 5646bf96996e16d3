-- ORG-1 and the disclosure: an attestation names the document it rests on and counts only once a second
-- person (another security officer or an administrator) has approved it. The approval is signed with the attestation
-- key over the attestation's own signature, so an approver written into the row by hand does not verify.
-- Attestations recorded before this migration have no document: they show as needing a new attestation.
alter table compliance_attestation add column document_title text;
alter table compliance_attestation add column document_reference text;
alter table compliance_attestation add column approved_by uuid references identity_account (id);
alter table compliance_attestation add column approved_at timestamptz;
alter table compliance_attestation add column approval_key_id uuid references compliance_signing_key (id);
alter table compliance_attestation add column approval_signature bytea;
