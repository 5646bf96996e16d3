-- When a checkpoint's file was written to the export folder. A row without it was committed but its file was not
-- written (a crash or a full folder between the two): the service exports it again, and the verifier tells such a
-- checkpoint ("not exported yet") from one whose exported file was later removed.
alter table audit_checkpoint add column exported_at timestamptz;
