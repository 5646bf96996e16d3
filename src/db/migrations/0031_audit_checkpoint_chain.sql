-- Chained checkpoints: each signs the digest of the one before it (previous_hash) and the retention floor in force
-- (floor_seq, floor_hash: entries up to floor_seq were purged, the chain resumes from floor_hash). Null on
-- checkpoints signed before chaining. One successor per checkpoint: two nodes signing at once cannot fork the chain
-- of digests, the second insert is discarded.
alter table audit_checkpoint add column previous_hash bytea;
alter table audit_checkpoint add column floor_seq bigint;
alter table audit_checkpoint add column floor_hash bytea;
create unique index audit_checkpoint_previous_idx on audit_checkpoint (previous_hash);
