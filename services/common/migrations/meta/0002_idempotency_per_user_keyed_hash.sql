-- Issue 23: a request id is the caller's own, and a stored request hash
-- reveals nothing about the request (services/common/idempotency).

-- The caller's user id is part of the key: user B reusing user A's request
-- id makes B's own claim and never receives A's response. '' is a call
-- with no logged-in caller (bootstrap, in-process tools) and every row
-- written before this migration.
ALTER TABLE idempotency ADD COLUMN user_id text NOT NULL DEFAULT '';
ALTER TABLE idempotency ALTER COLUMN user_id DROP DEFAULT;
ALTER TABLE idempotency DROP CONSTRAINT idempotency_pkey;
ALTER TABLE idempotency
  ADD PRIMARY KEY (service, method, user_id, request_id);

-- request_hash is now HMAC-SHA-256 under a server-side key. The rows
-- written before held the unsalted SHA-256 of the request (for
-- RegisterDonor: of the name, date of birth and record number), which any
-- reader of this table could test guesses against: overwrite them with
-- random bytes. A retry of one of those requests is then refused as
-- REQUEST_ID_REUSED instead of replayed.
UPDATE idempotency
SET request_hash = decode(md5(random()::text) || md5(random()::text), 'hex');
