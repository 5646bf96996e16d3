-- Audit query (security officer's review, LOG-4): "who touched this patient", "what did this account do", "what
-- happened between these times", each newest first. The expressions must match src/audit/query-store.ts exactly.
-- seq as second column lets the index answer "newest first" without sorting; entries without the field (sign-ins
-- have no patient) are left out of the index, since a strict "=" can never match them.
create index audit_entry_patient_idx on audit_entry ((entry->>'patientId'), seq) where (entry->>'patientId') is not null;

create index audit_entry_account_idx on audit_entry ((entry->'actor'->>'accountId'), seq) where (entry->'actor'->>'accountId') is not null;

create index audit_entry_recorded_at_idx on audit_entry (recorded_at);
