-- Compliance (control catalogue, attestations). Operational and organisational controls are proven by a security
-- officer's attestation, signed with the service's Ed25519 key so a later reader can verify nobody edited it.
-- The private half of the key is envelope-encrypted by the keyring, like the audit checkpoint key.
create table compliance_signing_key (
  id uuid primary key,
  public_key bytea not null,
  private_key bytea not null,
  created_at timestamptz not null
);

create table compliance_attestation (
  id uuid primary key,
  control_id text not null,
  statement text not null,
  attested_by uuid not null references identity_account (id),
  attested_at timestamptz not null,
  expires_at timestamptz not null,
  key_id uuid not null references compliance_signing_key (id),
  signature bytea not null
);

create index compliance_attestation_control on compliance_attestation (control_id, attested_at desc);
