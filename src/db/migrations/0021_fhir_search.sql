-- FHIR search index: rows for the current version of each undeleted resource only, replaced on every write and
-- removed on delete. Names, identifiers, birth dates, codes and telecom are kept only as keyed HMAC-SHA256 hashes
-- (keyring.blindIndex); clinical event dates and references (random ids) are clear. docs/data-at-rest.md lists
-- each clear column and why.

-- One row per indexed resource: what `_id`, `_lastUpdated`, sorting and paging need without a join.
create table fhir_search_resource (
  resource_type text not null,
  id text not null,
  patient_id text,
  last_updated timestamptz not null,
  -- The earliest start of the type's `date` parameter, for `_sort=date`; null when the type or resource has none.
  sort_date timestamptz,
  primary key (resource_type, id)
);

create index fhir_search_resource_updated on fhir_search_resource (resource_type, last_updated, id);
create index fhir_search_resource_date on fhir_search_resource (resource_type, sort_date, id);
create index fhir_search_resource_patient on fhir_search_resource (patient_id);

-- Token and string parameters: a keyed hash of each value (and of each name prefix), never the value.
create table fhir_search_token (
  resource_type text not null,
  id text not null,
  param text not null,
  value_hash bytea not null,
  primary key (resource_type, id, param, value_hash),
  foreign key (resource_type, id) references fhir_search_resource (resource_type, id) on delete cascade
);

create index fhir_search_token_value on fhir_search_token (resource_type, param, value_hash);

-- Clinical event dates as half-open ranges [low, high) in clear, for range searches.
create table fhir_search_date (
  resource_type text not null,
  id text not null,
  param text not null,
  low timestamptz not null,
  high timestamptz not null,
  foreign key (resource_type, id) references fhir_search_resource (resource_type, id) on delete cascade
);

create index fhir_search_date_resource on fhir_search_date (resource_type, id);
create index fhir_search_date_range on fhir_search_date (resource_type, param, low, high);

-- References: the referenced resource's type and id, for reference searches, _include and _revinclude.
create table fhir_search_reference (
  resource_type text not null,
  id text not null,
  param text not null,
  target_type text not null,
  target_id text not null,
  primary key (resource_type, id, param, target_type, target_id),
  foreign key (resource_type, id) references fhir_search_resource (resource_type, id) on delete cascade
);

create index fhir_search_reference_target on fhir_search_reference (target_id, target_type, param, resource_type);
