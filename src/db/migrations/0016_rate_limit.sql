-- Rate-limit counters when no Redis is configured: one row per key (class and subject), holding the current fixed
-- window's start and its hit count. Rows whose window has ended are deleted by the limiter's periodic purge.
create table rate_limit_counter (
  key text primary key,
  window_start timestamptz not null,
  hits integer not null,
  expires_at timestamptz not null
);

create index rate_limit_counter_expires on rate_limit_counter (expires_at);
