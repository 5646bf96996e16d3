-- Audit retention (MHLW: keep access logs for the set period, then delete them deliberately): the trail becomes a
-- table partitioned by month of recorded_at, so expired months are dropped whole. Rows that predate their month's
-- partition stay in the default partition and are deleted row by row. Uniqueness of seq is no longer a key
-- constraint of its own (a partitioned key must include recorded_at); the hash chain, which verify walks in seq
-- order, shows any duplicate or gap.
alter table audit_entry rename to audit_entry_before_partitioning;
alter index audit_entry_patient_idx rename to audit_entry_before_partitioning_patient_idx;
alter index audit_entry_account_idx rename to audit_entry_before_partitioning_account_idx;
alter index audit_entry_recorded_at_idx rename to audit_entry_before_partitioning_recorded_at_idx;

create table audit_entry (
  seq bigint not null,
  recorded_at timestamptz not null,
  entry jsonb not null,
  prev_hash bytea not null,
  hash bytea not null,
  primary key (seq, recorded_at)
) partition by range (recorded_at);

create table audit_entry_default partition of audit_entry default;

insert into audit_entry (seq, recorded_at, entry, prev_hash, hash)
  select seq, recorded_at, entry, prev_hash, hash from audit_entry_before_partitioning;

drop table audit_entry_before_partitioning;

create index audit_entry_seq_idx on audit_entry (seq);
create index audit_entry_patient_idx on audit_entry ((entry->>'patientId'), seq) where (entry->>'patientId') is not null;
create index audit_entry_account_idx on audit_entry ((entry->'actor'->>'accountId'), seq) where (entry->'actor'->>'accountId') is not null;
create index audit_entry_recorded_at_idx on audit_entry (recorded_at);

-- Each purge: entries 1..purged_through_seq are gone; anchor_hash is the chain hash at purged_through_seq, which a
-- signed checkpoint vouches for, so verify can start from it.
create table audit_retention (
  purged_through_seq bigint primary key,
  anchor_hash bytea not null,
  purged_at timestamptz not null,
  cutoff timestamptz not null
);
