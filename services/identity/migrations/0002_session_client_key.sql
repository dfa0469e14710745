-- A session is bound to the client certificate's public key as well as its
-- subject (issue 23): a certificate reissued to the same name with another
-- key cannot use a token copied from the workstation that logged in.

-- Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo of the client
-- certificate that logged in (grpcx::PeerKeyFingerprint). NULL only on
-- sessions opened before this migration, all of which it ends.
ALTER TABLE sessions ADD COLUMN client_key text
  CHECK (client_key ~ '^[0-9a-f]{64}$');

UPDATE sessions SET ended_at = now(), end_reason = 'bound to a client key'
  WHERE ended_at IS NULL;

ALTER TABLE sessions ADD CONSTRAINT sessions_live_have_client_key
  CHECK (ended_at IS NOT NULL OR client_key IS NOT NULL);
