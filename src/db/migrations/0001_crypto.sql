-- Key hierarchy (docs/architecture.md): KMS master key -> key-encryption key (KEK) -> data keys.
-- Only wrapped (encrypted) keys are stored here; the master key never enters the database.
create table crypto_kek (
  id uuid primary key,
  master_key_id text not null,
  wrapped bytea not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz
);

create table crypto_data_key (
  id uuid primary key,
  kek_id uuid not null references crypto_kek (id),
  purpose text not null check (purpose in ('patient', 'system', 'blind-index')),
  wrapped bytea,
  created_at timestamptz not null default now(),
  -- Crypto-shredding clears `wrapped`; whatever the key protected is unreadable from then on.
  shredded_at timestamptz
);
