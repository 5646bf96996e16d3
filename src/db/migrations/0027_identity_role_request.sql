-- Two-person rule for role changes (ACC-2): a change that gives an account an administrative duty, or mixes an
-- administrative and a clinical one, waits here until a second administrator approves or rejects it. `roles` is the
-- whole set asked for and `previous_roles` the set it replaces, so an approval applies exactly what was asked and is
-- refused when the account's roles changed meanwhile.
create table identity_role_request (
  id uuid primary key,
  account_id uuid not null references identity_account (id),
  roles text[] not null,
  previous_roles text[] not null,
  requested_by uuid not null references identity_account (id),
  requested_at timestamptz not null,
  expires_at timestamptz not null,
  state text not null default 'pending' check (state in ('pending', 'approved', 'rejected')),
  decided_by uuid references identity_account (id),
  decided_at timestamptz
);
create index identity_role_request_pending on identity_role_request (expires_at) where state = 'pending';
