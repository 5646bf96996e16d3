-- Fine-grained access to medical records (MHLW 運用編 アクセス制御, 非常時のアクセス; PHR guideline 同意).
-- Identifiers, codes and dates only: the side tables say who is related to which patient and what the patient
-- refused, never what the records contain. Rows derived from a FHIR resource carry its type and id so a later
-- version or a deletion replaces exactly them.

-- A staff account acts as one Practitioner (the id CareTeam and Encounter participants reference) and belongs to
-- at most one department Organization (matched with Encounter.serviceProvider and Consent actors).
create table access_staff_link (
  account_id uuid primary key references identity_account (id),
  practitioner_id text not null,
  department_id text,
  linked_at timestamptz not null,
  linked_by uuid not null
);

create index access_staff_link_practitioner on access_staff_link (practitioner_id);
create index access_staff_link_department on access_staff_link (department_id);

-- Care relationships: exactly one of practitioner_id (care team or encounter participant), organization_id
-- (department serving an active encounter) or account_id (the clinician who registered the patient) is set.
create table access_care_relationship (
  source_type text not null,
  source_id text not null,
  patient_id text not null,
  source text not null check (source in ('care_team', 'encounter', 'department', 'registered')),
  practitioner_id text,
  organization_id text,
  account_id uuid,
  check (num_nonnulls(practitioner_id, organization_id, account_id) = 1)
);

create index access_care_relationship_source on access_care_relationship (source_type, source_id);
create index access_care_relationship_patient on access_care_relationship (patient_id);

-- What an active Consent denies: each deny provision as one rule, matching when every part it names matches (an
-- actor Organization, a purpose of use code, or both).
create table access_consent_rule (
  consent_id text not null,
  patient_id text not null,
  organization_id text,
  purpose text,
  check (organization_id is not null or purpose is not null)
);

create index access_consent_rule_consent on access_consent_rule (consent_id);
create index access_consent_rule_patient on access_consent_rule (patient_id);

-- Emergency access (break-glass): granted on the clinician's word, for one patient and a limited time, and always
-- reviewed afterwards by the security officer.
create table access_break_glass (
  id uuid primary key,
  account_id uuid not null references identity_account (id),
  patient_id text not null,
  reason text not null,
  granted_at timestamptz not null,
  expires_at timestamptz not null,
  access_count integer not null default 0,
  review_status text not null default 'open' check (review_status in ('open', 'closed')),
  outcome text check (outcome in ('justified', 'unjustified')),
  note text,
  reviewed_at timestamptz,
  reviewed_by uuid,
  check ((review_status = 'open') = (reviewed_at is null))
);

create index access_break_glass_active on access_break_glass (account_id, patient_id, expires_at);
create index access_break_glass_review on access_break_glass (review_status, granted_at);
