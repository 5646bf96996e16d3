-- Security incidents (個人情報保護法 §26 漏えい等報告; MHLW 安全管理ガイドライン: incident response). Identifiers,
-- dates and the security officer's own words only: no clinical content is copied here.
create table incident (
  id uuid primary key,
  title text not null,
  kind text not null check (kind in ('unauthorized_access', 'malware', 'leak', 'loss', 'misdelivery', 'other')),
  severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
  detected_at timestamptz not null,
  opened_at timestamptz not null,
  opened_by uuid not null
);

create index incident_opened_at on incident (opened_at desc);

-- The timeline is append-only: what was known and done, and when, must not be rewritten afterwards.
create table incident_note (
  id uuid primary key,
  incident_id uuid not null references incident (id),
  at timestamptz not null,
  author_id uuid not null,
  kind text not null check (kind in ('note', 'action', 'report')),
  body text not null
);

create index incident_note_incident on incident_note (incident_id, at);

-- One line: migrate.ts splits statements at a semicolon that ends a line.
create function incident_note_append_only() returns trigger language plpgsql as $$ begin raise exception 'incident_note is append-only'; end $$;

create trigger incident_note_no_change before update or delete on incident_note
  for each row execute function incident_note_append_only();

-- Service-wide emergency state, one row, read by every node so a restart or another node honours it.
create table service_mode (
  id smallint primary key check (id = 1),
  read_only boolean not null,
  changed_at timestamptz not null,
  changed_by uuid,
  incident_id uuid references incident (id)
);

insert into service_mode (id, read_only, changed_at) values (1, false, now());
