-- The reason a clinician gives for emergency access and the security officer's review note are free text that may
-- describe the patient's condition, so they are stored encrypted (AES-256-GCM under the system data key, context
-- `access:break-glass:<id>:reason|note`, docs/data-at-rest.md). SQL cannot encrypt: rows written before this
-- migration keep their text as UTF-8 bytes, marked `sealed = false`, until the service seals them at start.
alter table access_break_glass alter column reason type bytea using convert_to(reason, 'UTF8');
alter table access_break_glass alter column note type bytea using convert_to(note, 'UTF8');
alter table access_break_glass add column sealed boolean not null default true;
update access_break_glass set sealed = false;
