-- An administrator's reason for shredding a patient's records early is free text that may name the patient, so it
-- is stored encrypted (AES-256-GCM under the system data key, context `fhir:shred-approval:<patient>:<approver>:reason`,
-- docs/data-at-rest.md). SQL cannot encrypt: rows written before this migration keep their text as UTF-8 bytes,
-- marked `sealed = false`, until the service seals them at start.
alter table fhir_shred_approval alter column reason type bytea using convert_to(reason, 'UTF8');
alter table fhir_shred_approval add column sealed boolean not null default true;
update fhir_shred_approval set sealed = false;
