-- cellchain_meta: what every service shares.
-- (cellchain_meta itself and schema_migrations are created by
-- cellchain::migrations::Apply before any migration runs.)

-- The group role of every service's login role. Roles are cluster-wide, so
-- another database of the same cluster may have made it already.
DO $$
BEGIN
  CREATE ROLE cellchain_service NOLOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;

GRANT USAGE ON SCHEMA cellchain_meta TO cellchain_service;

-- One row per mutating request a service accepted, written in the same
-- transaction as the request's change (services/common/idempotency). A retry
-- with the same request id gets `response` back instead of a second change.
-- `response` is NULL only inside the transaction that claimed the row.
CREATE TABLE idempotency (
  service text NOT NULL,
  method text NOT NULL,
  request_id text NOT NULL
    CONSTRAINT idempotency_request_id_shape
    CHECK (request_id ~ '^[A-Za-z0-9_-]{16,64}$'),
  request_hash bytea NOT NULL
    CONSTRAINT idempotency_request_hash_sha256
    CHECK (octet_length(request_hash) = 32),
  response bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service, method, request_id)
);

-- Services claim, read and complete rows; they never delete them (a purge
-- of old rows is an operator's job).
GRANT SELECT, INSERT, UPDATE ON idempotency TO cellchain_service;
