-- Users, credentials, sessions and refused calls (design brief §3;
-- docs/services/identity.md). Role cellchain_identity owns the changes; the
-- access gate in every cellchaind process runs as it too.

CREATE SCHEMA cellchain_identity;

DO $$
BEGIN
  CREATE ROLE cellchain_identity LOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;
GRANT cellchain_service TO cellchain_identity;

-- A user is never deleted (a trigger refuses it), so a user id is never
-- reused: a disabled user keeps theirs, and their records keep naming them.
CREATE TABLE users (
  user_id                  text PRIMARY KEY
                           CHECK (user_id ~ '^[a-z][a-z0-9._-]{1,31}$'),
  printed_name             text NOT NULL CHECK (btrim(printed_name) <> ''),
  -- cellchain.common.v1.Role values, sorted, no duplicates.
  roles                    smallint[] NOT NULL,
  -- scrypt, "$scrypt$ln=..,r=..,p=..$salt$hash" (services/common/crypto).
  password_hash            text NOT NULL,
  password_changed_at      timestamptz NOT NULL,
  password_change_required boolean NOT NULL,
  -- Consecutive failed authentications (login or signature).
  failed_attempts          integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked_at                timestamptz,
  disabled_at              timestamptz,
  created_at               timestamptz NOT NULL
);

-- Earlier credentials, to refuse their reuse; the current one included.
CREATE TABLE password_history (
  user_id       text NOT NULL REFERENCES users (user_id),
  set_at        timestamptz NOT NULL,
  password_hash text NOT NULL,
  PRIMARY KEY (user_id, set_at)
);

-- Only the SHA-256 of a token is stored: a copy of the table opens nothing.
CREATE TABLE sessions (
  session_id   text PRIMARY KEY,
  token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  user_id      text NOT NULL REFERENCES users (user_id),
  -- Subject of the client certificate of the workstation that logged in.
  workstation  text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  idle_timeout interval NOT NULL,
  last_seen_at timestamptz NOT NULL,
  ended_at     timestamptz,
  end_reason   text
);
CREATE INDEX sessions_live_by_user ON sessions (user_id) WHERE ended_at IS NULL;

-- One row per refused call (entity "access_denial"); append-only.
CREATE TABLE access_denials (
  denial_id         text PRIMARY KEY,
  denied_at         timestamptz NOT NULL,
  method            text NOT NULL,
  user_id           text,
  attempted_user_id text,
  workstation       text NOT NULL,
  code              text NOT NULL,
  reason            text NOT NULL
);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'cellchain_identity.%: % refused (users are disabled, never deleted; denials are kept)',
    TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER users_never_deleted BEFORE DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER users_no_truncate BEFORE TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER access_denials_append_only BEFORE UPDATE OR DELETE ON access_denials
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER access_denials_no_truncate BEFORE TRUNCATE ON access_denials
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- What the audit trail records of a user: never the credential, only its
-- fingerprint, so that a credential replaced behind the service's back no
-- longer matches the user's latest record.
CREATE VIEW user_states AS
  SELECT user_id, printed_name, roles, password_change_required,
         failed_attempts, locked_at, disabled_at, created_at,
         password_changed_at,
         encode(sha256(convert_to(password_hash, 'UTF8')), 'hex')
           AS credential_fingerprint
  FROM users;

GRANT USAGE ON SCHEMA cellchain_identity TO cellchain_identity, cellchain_audit;
GRANT SELECT, INSERT, UPDATE ON users, sessions TO cellchain_identity;
GRANT SELECT, INSERT ON password_history, access_denials TO cellchain_identity;
GRANT SELECT ON user_states TO cellchain_identity, cellchain_audit;
GRANT SELECT ON access_denials TO cellchain_audit;
