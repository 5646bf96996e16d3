-- Every version of every resource, never updated in place (真正性: corrections add a version).
-- `body` is the resource JSON, AES-256-GCM under the patient's data key; only ids, version, time and author stay
-- in clear (docs/data-at-rest.md lists each clear column and why).
create table fhir_resource_version (
  resource_type text not null,
  id text not null,
  version integer not null,
  patient_id text,
  data_key_id uuid not null references crypto_data_key (id),
  body bytea not null,
  is_deleted boolean not null default false,
  last_updated timestamptz not null,
  author_id uuid not null,
  primary key (resource_type, id, version)
);

create index fhir_resource_version_patient on fhir_resource_version (patient_id);

-- Which data key protects each patient's records; one key per patient, so one patient can be crypto-shredded.
create table fhir_patient_key (
  patient_id text primary key,
  data_key_id uuid not null references crypto_data_key (id)
);
