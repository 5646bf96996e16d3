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
