-- OpenID Connect / OAuth 2.0 provider (src/identity/oidc).

-- Every artifact of the provider (access and refresh tokens, codes, grants, sessions, interactions). Rows are
-- found by the SHA-256 of "<model>:<id>", and the id (the bearer value of opaque tokens) is never stored, so a
-- database reader cannot replay a token. Payloads carry account ids, never names or contact details.
create table oidc_artifact (
  id_hash bytea primary key,
  model text not null,
  payload jsonb not null,
  grant_hash bytea,
  uid_hash bytea,
  account_id text,
  expires_at timestamptz,
  consumed_at timestamptz
);
create index oidc_artifact_grant on oidc_artifact (grant_hash) where grant_hash is not null;
create index oidc_artifact_uid on oidc_artifact (uid_hash) where uid_hash is not null;
create index oidc_artifact_account on oidc_artifact (account_id) where account_id is not null;
create index oidc_artifact_expiry on oidc_artifact (expires_at);

-- Token signing keys: public JWK in clear (it is published), private JWK envelope-encrypted by the keyring.
-- status: active (signs), published (verifies only, still in the JWKS), retired (gone from the JWKS).
create table oidc_signing_key (
  kid text primary key,
  alg text not null,
  public_jwk jsonb not null,
  private_jwk bytea not null,
  status text not null check (status in ('active', 'published', 'retired')),
  created_at timestamptz not null,
  retired_at timestamptz
);
create unique index oidc_signing_key_one_active on oidc_signing_key (status) where status = 'active';

-- Client applications registered by administrators. The secret of a confidential client is envelope-encrypted
-- (the provider must compare it), so a database dump does not reveal it.
create table oidc_client (
  client_id text primary key,
  name text not null,
  secret bytea,
  redirect_uris text[] not null,
  post_logout_redirect_uris text[] not null,
  scopes text not null,
  is_confidential boolean not null,
  is_first_party boolean not null,
  status text not null check (status in ('active', 'disabled')),
  created_at timestamptz not null,
  created_by text not null
);
