-- Sign-in failure counters (AUTH-4): one row per account subject (the SHA-256 of the normalised e-mail, so typed
-- addresses of people without an account are not kept in clear) and one per client IP. `not_before` is the
-- progressive delay, `locked_until` the temporary lock; both are times, so no request ever sleeps.
create table identity_sign_in_throttle (
  scope text not null check (scope in ('account', 'ip')),
  subject text not null,
  failures integer not null,
  last_failure_at timestamptz not null,
  not_before timestamptz,
  locked_until timestamptz,
  primary key (scope, subject)
);

-- Account lifecycle (AUTH-6, AUTH-7): when an account was last made active again, so the dormant-account sweep
-- counts from then and does not disable a just-reactivated account at once.
alter table identity_account add column reactivated_at timestamptz;

-- Periodic access reviews (AUTH-7): who reviewed the account list, when, with what note.
create table identity_access_review (
  id uuid primary key,
  reviewed_by uuid not null references identity_account (id),
  reviewed_at timestamptz not null,
  note text not null
);
