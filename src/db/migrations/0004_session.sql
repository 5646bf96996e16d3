-- Browser sessions. Only the SHA-256 of the cookie value is stored, so a database reader cannot take over one.
create table session_web (
  id uuid primary key,
  token_hash bytea not null unique,
  account_id uuid not null references identity_account (id),
  stage text not null check (stage in ('mfa_required', 'enrolment_required', 'active')),
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  stage_expires_at timestamptz not null,
  absolute_expires_at timestamptz not null,
  mfa_at timestamptz,
  mfa_failures integer not null default 0,
  ended_at timestamptz,
  end_reason text,
  ip text not null,
  user_agent text not null
);

create index session_web_account on session_web (account_id) where ended_at is null;
