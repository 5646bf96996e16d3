-- SIEM export: how far each sink has been acknowledged. The exporter sends entries with seq above `seq` and
-- moves it forward only after the sink acknowledged them, so a restart resumes without loss (at-least-once).
create table audit_export_cursor (
  sink text primary key,
  seq bigint not null,
  updated_at timestamptz not null
);
