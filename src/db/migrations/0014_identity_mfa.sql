-- Recovery codes (AUTH-7): ten single-use codes per account. Only their SHA-256 is stored; a regenerated set
-- replaces the old one, whose rows are deleted.
create table identity_recovery_code (
  account_id uuid not null references identity_account (id),
  code_hash bytea not null,
  created_at timestamptz not null,
  used_at timestamptz,
  primary key (account_id, code_hash)
);

-- WebAuthn credentials (passkeys, security keys). The public key is not secret; the signature counter refuses a
-- cloned authenticator whose counter goes backwards (WebAuthn L3 §6.1.1).
create table identity_webauthn_credential (
  id text primary key,
  account_id uuid not null references identity_account (id),
  public_key bytea not null,
  counter bigint not null,
  transports text[] not null,
  name text not null,
  created_at timestamptz not null,
  last_used_at timestamptz
);
create index identity_webauthn_credential_account on identity_webauthn_credential (account_id);

-- WebAuthn challenges: one per session and purpose, consumed by the verification that uses it (single use).
create table session_webauthn_challenge (
  session_id uuid not null references session_web (id),
  purpose text not null check (purpose in ('register', 'authenticate')),
  challenge text not null,
  expires_at timestamptz not null,
  primary key (session_id, purpose)
);
