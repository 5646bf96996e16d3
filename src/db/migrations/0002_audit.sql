-- Tamper-evident audit trail: each entry's hash covers its sequence number, its canonical content and the
-- previous entry's hash (SHA-256). The head row records the last sequence and hash so truncation shows.
create table audit_entry (
  seq bigint primary key,
  recorded_at timestamptz not null,
  entry jsonb not null,
  prev_hash bytea not null,
  hash bytea not null
);

create table audit_chain_head (
  id smallint primary key check (id = 1),
  seq bigint not null,
  hash bytea not null
);

insert into audit_chain_head (id, seq, hash) values (1, 0, decode(repeat('00', 32), 'hex'));
