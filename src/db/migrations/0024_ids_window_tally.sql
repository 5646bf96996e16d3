-- A window row may stand for many sightings at once: the read-volume part of bulk_export counts reads in buckets
-- (one row per account and sixtieth of the window) instead of one row per read, so a batch reads at most a few
-- dozen rows per account however many reads the window holds. Rows of the other rules stand for one sighting.
alter table ids_window add column sightings integer not null default 1;
