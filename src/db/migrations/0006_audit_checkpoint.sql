-- Signed checkpoints of the audit chain (LOG-2). The Ed25519 private key is envelope-encrypted by the keyring;
-- each checkpoint covers entries from_seq..seq and holds every entry hash in that range (32 bytes each,
-- concatenated), so verify can name the exact entry that differs from what was signed.
create table audit_signing_key (
  id uuid primary key,
  public_key bytea not null,
  private_key bytea not null,
  created_at timestamptz not null,
  retired_at timestamptz
);

create table audit_checkpoint (
  seq bigint primary key,
  from_seq bigint not null,
  chain_hash bytea not null,
  entry_hashes bytea not null,
  signed_at timestamptz not null,
  key_id uuid not null references audit_signing_key (id),
  signature bytea not null
);
