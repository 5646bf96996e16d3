create table identity_account (
  id uuid primary key,
  email text not null unique,
  display_name text not null,
  kind text not null check (kind in ('staff', 'patient')),
  roles text[] not null,
  password_hash text not null,
  status text not null default 'active' check (status in ('active', 'disabled')),
  created_at timestamptz not null,
  last_sign_in_at timestamptz
);

-- The TOTP secret is envelope-encrypted; `last_step` refuses a code that was already used (RFC 6238 §5.2).
create table identity_totp (
  account_id uuid primary key references identity_account (id),
  secret bytea not null,
  confirmed_at timestamptz,
  last_step bigint
);

-- One-time links: only the SHA-256 of the token is stored.
create table identity_invitation (
  id uuid primary key,
  token_hash bytea not null unique,
  email text,
  role text not null,
  invited_by uuid references identity_account (id),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  account_id uuid references identity_account (id)
);
