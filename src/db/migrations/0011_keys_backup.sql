-- Keys and backups (issue 9). Rotation jobs keep their state here so an interrupted re-wrap or re-encryption
-- resumes where it stopped; the data keys still under a retired KEK are themselves the re-wrap's to-do list.
create table crypto_rotation (
  id uuid primary key,
  kind text not null check (kind in ('kek', 'master-key', 'reencrypt')),
  from_id text,
  to_id text not null,
  started_at timestamptz not null,
  finished_at timestamptz,
  done bigint not null default 0,
  -- Re-encryption walks patients in id order; `cursor` is the last patient finished.
  cursor text
);

create index crypto_data_key_kek on crypto_data_key (kek_id);

-- Crypto-shredding before the legal retention period ends needs two different administrators (dual approval).
create table fhir_shred_approval (
  patient_id text not null,
  approver_id uuid not null,
  reason text not null,
  approved_at timestamptz not null,
  primary key (patient_id, approver_id)
);

-- Data keys a patient's records were under before a re-encryption. Other modules (uploads) may still hold values
-- under them, so they are not shredded by the re-encryption; crypto-shredding the patient shreds them too.
create table fhir_previous_patient_key (
  patient_id text not null,
  data_key_id uuid not null references crypto_data_key (id),
  replaced_at timestamptz not null,
  primary key (patient_id, data_key_id)
);
