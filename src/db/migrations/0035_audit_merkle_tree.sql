-- Signed tree heads of the audit trail's RFC 6962 Merkle tree (leaf i = the chain hash of the entry with seq i + 1),
-- signed with the checkpoint signing key beside each checkpoint. signed_at is inside the signed bytes.
create table audit_tree_head (
  tree_size bigint primary key,
  root_hash bytea not null,
  signed_at timestamptz not null,
  key_id uuid not null references audit_signing_key (id),
  signature bytea not null
);

-- The root of each complete, aligned run of 256 leaves (block_index * 256 .. + 255), so a proof in a tree of a
-- million entries reads a few kilobytes instead of every entry hash. Computed from the signed checkpoints' entry
-- hashes, which retention purges keep, so proofs still work across purged ranges.
create table audit_merkle_block (
  block_index bigint primary key,
  hash bytea not null
);
