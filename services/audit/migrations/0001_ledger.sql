-- The signed audit ledger (design brief §2; docs/services/audit.md).
--
-- Every service appends, in the transaction of its change, one row to
-- records (the exact signed bytes, numbered in its entity's chain by
-- entity_seq) and queues the record in pending. The sequencer (role
-- cellchain_audit, one leader at a time) moves pending records into the
-- Merkle log: log_entries (contiguous indexes), tree_nodes (every completed
-- perfect subtree, so a proof needs O(log n) reads and a restart replays
-- nothing) and signed checkpoints.

CREATE SCHEMA cellchain_audit;

-- Roles are cluster-wide: another database of the cluster may have made it.
DO $$
BEGIN
  CREATE ROLE cellchain_audit LOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;
GRANT cellchain_service TO cellchain_audit;

-- Ed25519 public keys of the services. Rotation appends a key with a later
-- valid_from; a key stays valid for the records it signed.
CREATE TABLE signing_keys (
  key_id        text PRIMARY KEY,
  service       text NOT NULL,
  public_key    bytea NOT NULL CHECK (length(public_key) = 32),
  valid_from    timestamptz NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (public_key)
);

-- entity_seq numbers the records of one entity 1, 2, 3, ... in chain order
-- (the record whose previous_entity_hash is the leaf hash of record n has
-- n + 1). The ledger appends to an entity under a transaction-level advisory
-- lock of that entity and gives the new record the latest entity_seq + 1,
-- so two records with the same predecessor would have the same number:
-- records_entity_chain makes a fork of a chain impossible even for a writer
-- that bypasses the lock. The same index serves the lookup of an entity's
-- latest record and its history in chain order. entity_seq is an index
-- column, not part of the signed bytes: the chain itself is proven by the
-- hashes.
CREATE TABLE records (
  record_id            text PRIMARY KEY,
  service              text NOT NULL,
  key_id               text NOT NULL REFERENCES signing_keys (key_id),
  recorded_at          timestamptz NOT NULL,
  entity_type          text NOT NULL,
  entity_id            text NOT NULL,
  entity_seq           bigint NOT NULL CHECK (entity_seq >= 1),
  actor_user_id        text NOT NULL,
  action               text NOT NULL,
  din                  text,
  request_id           text NOT NULL,
  record_bytes         bytea NOT NULL,
  signature            bytea NOT NULL CHECK (length(signature) = 64),
  leaf_hash            bytea NOT NULL CHECK (length(leaf_hash) = 32),
  previous_entity_hash bytea CHECK (length(previous_entity_hash) = 32),
  CONSTRAINT records_entity_chain UNIQUE (entity_type, entity_id, entity_seq)
);
CREATE INDEX records_din ON records (din, recorded_at) WHERE din IS NOT NULL;
CREATE INDEX records_actor ON records (actor_user_id, recorded_at);
CREATE INDEX records_action ON records (action, recorded_at);
CREATE INDEX records_time ON records (recorded_at);

-- Committed records not yet in the log. Only the sequencer deletes from it.
CREATE TABLE pending (
  seq       bigserial PRIMARY KEY,
  record_id text NOT NULL REFERENCES records (record_id),
  leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32)
);

CREATE TABLE log_entries (
  log_index     bigint PRIMARY KEY CHECK (log_index >= 0),
  record_id     text NOT NULL UNIQUE REFERENCES records (record_id),
  leaf_hash     bytea NOT NULL CHECK (length(leaf_hash) = 32),
  integrated_at timestamptz NOT NULL DEFAULT now()
);

-- Hash of the perfect subtree of 2^level leaves starting at leaf
-- index * 2^level, for level >= 1 (level 0 is log_entries.leaf_hash).
CREATE TABLE tree_nodes (
  level smallint NOT NULL CHECK (level BETWEEN 1 AND 63),
  index bigint NOT NULL CHECK (index >= 0),
  hash  bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, index)
);

-- Signed checkpoints (C2SP signed notes) of the log.
CREATE TABLE checkpoints (
  tree_size  bigint PRIMARY KEY CHECK (tree_size >= 0),
  root_hash  bytea NOT NULL CHECK (length(root_hash) = 32),
  note       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Append-only, for every role (defence in depth: the signatures, proofs and
-- checkpoints kept outside the database are what make tampering visible).
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'cellchain_audit.% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['signing_keys', 'records', 'log_entries',
                           'tree_nodes', 'checkpoints'] LOOP
    EXECUTE format('CREATE TRIGGER %I_append_only BEFORE UPDATE OR DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION refuse_change()', t, t);
    EXECUTE format('CREATE TRIGGER %I_no_truncate BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()', t, t);
  END LOOP;
END
$$;

GRANT USAGE ON SCHEMA cellchain_audit TO cellchain_service;
GRANT SELECT, INSERT ON signing_keys, records TO cellchain_service;
GRANT INSERT ON pending TO cellchain_service;
GRANT USAGE ON SEQUENCE pending_seq_seq TO cellchain_service;
GRANT SELECT ON log_entries, tree_nodes, checkpoints TO cellchain_service;
GRANT SELECT, DELETE ON pending TO cellchain_audit;
GRANT INSERT ON log_entries, tree_nodes, checkpoints TO cellchain_audit;
