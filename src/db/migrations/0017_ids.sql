-- Intrusion detection over the audit stream (NET-1, LOG-4). The engine follows audit_entry by seq from a cursor;
-- the cursor row doubles as the leader row: a node evaluates a batch only while it holds that row's lock, so two
-- nodes on one database never evaluate the same entries, and window state, alerts and the cursor move together.
create table ids_cursor (
  name text primary key,
  seq bigint not null,
  updated_at timestamptz not null
);
insert into ids_cursor (name, seq, updated_at) values ('engine', 0, now());

-- Per-rule sliding windows: one row per (rule, subject, key) holding the key's latest sighting. Subject is an
-- account id or an IP; key is what the rule counts (a patient id, a network prefix, an hour slot, a seq).
create table ids_window (
  rule_id text not null,
  subject text not null,
  key text not null,
  at timestamptz not null,
  seq bigint not null,
  primary key (rule_id, subject, key)
);
create index ids_window_at on ids_window (rule_id, subject, at);
create index ids_window_prune on ids_window (at);

create table ids_alert (
  id uuid primary key,
  rule_id text not null,
  severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
  account_id text,
  ip text,
  subject text not null,
  evidence jsonb not null,
  state text not null check (state in ('open', 'acknowledged', 'closed')),
  opened_at timestamptz not null,
  updated_at timestamptz not null,
  acknowledged_by uuid,
  acknowledged_at timestamptz,
  acknowledged_note text,
  closed_by uuid,
  closed_at timestamptz,
  closed_note text
);
-- De-duplication: at most one alert per rule and subject that is not closed.
create unique index ids_alert_live on ids_alert (rule_id, subject) where state <> 'closed';
create index ids_alert_opened on ids_alert (opened_at desc);

-- Automatic responses that persist: a locked account or a blocked IP, until a time or until lifted.
create table ids_restriction (
  id uuid primary key,
  kind text not null check (kind in ('account', 'ip')),
  subject text not null,
  created_at timestamptz not null,
  until timestamptz not null,
  reason text not null,
  alert_id uuid references ids_alert (id),
  lifted_at timestamptz,
  lifted_by uuid
);
create index ids_restriction_active on ids_restriction (kind, subject) where lifted_at is null;

-- Patients whose record access always raises an alert (VIPs, employees), kept by security officers.
create table ids_watch_list (
  patient_id text primary key,
  label text not null,
  added_by uuid not null,
  added_at timestamptz not null
);

-- Signed webhook deliveries (outbox written with the alert, so none is lost across a restart).
create table ids_webhook_delivery (
  id uuid primary key,
  alert_id uuid not null references ids_alert (id),
  body text not null,
  state text not null check (state in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  last_status integer,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null
);
create index ids_webhook_due on ids_webhook_delivery (next_attempt_at) where state = 'pending';
