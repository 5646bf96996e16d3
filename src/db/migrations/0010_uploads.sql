-- Uploaded files that passed sanitisation (ファイル無害化): the sanitised bytes, AES-256-GCM under the patient's data
-- key (so crypto-shredding the patient shreds the files too). Type, size, hash, patient and uploader stay in clear
-- (docs/data-at-rest.md).
create table uploads_blob (
  id text primary key,
  patient_id text not null,
  data_key_id uuid not null references crypto_data_key (id),
  content_type text not null,
  size integer not null,
  sha256 bytea not null,
  body bytea not null,
  uploader_id uuid not null,
  created_at timestamptz not null
);

create index uploads_blob_patient on uploads_blob (patient_id);

-- Refused uploads, kept for the security officer: the original bytes, encrypted under the system data key, never
-- served back to anyone through the API.
create table uploads_quarantine (
  id text primary key,
  reason_code text not null,
  declared_type text not null,
  detected_type text,
  size integer not null,
  sha256 bytea not null,
  body bytea not null,
  uploader_id uuid not null,
  created_at timestamptz not null
);

create index uploads_quarantine_created on uploads_quarantine (created_at);
