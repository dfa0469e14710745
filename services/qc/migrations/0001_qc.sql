-- Release testing and QA disposition: specifications (versioned), the lots
-- under test, their samples, results (never overwritten), OOS
-- investigations and lookbacks (design brief §4.3; docs/services/qc.md).
-- Role cellchain_qc owns the changes; each change is audited through the
-- ledger in its transaction.

CREATE SCHEMA cellchain_qc;

DO $$
BEGIN
  CREATE ROLE cellchain_qc LOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;
GRANT cellchain_service TO cellchain_qc;

-- tests: a cellchain.qc.v1.Specification holding only its tests,
-- serialized deterministically. A version's tests never change.
CREATE TABLE specifications (
  specification_id  text PRIMARY KEY,
  name              text NOT NULL,
  version           integer NOT NULL CHECK (version >= 1),
  product           text NOT NULL,
  status            smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 3),
  tests             bytea NOT NULL,
  created_by        text NOT NULL,
  created_at        timestamptz NOT NULL,
  approved_by       text,
  approved_at       timestamptz,
  superseded_at     timestamptz,
  UNIQUE (name, version),
  CHECK ((status = 1) = (approved_by IS NULL))
);
-- One version in effect per name (2: SPECIFICATION_STATUS_EFFECTIVE).
CREATE UNIQUE INDEX specifications_one_effective ON specifications (name)
  WHERE status = 2;

CREATE TABLE lots (
  lot_id                 text PRIMARY KEY,
  batch_id               text NOT NULL UNIQUE,
  product_item_id        text NOT NULL UNIQUE,
  din                    text NOT NULL CHECK (length(din) = 13),
  specification_id       text NOT NULL REFERENCES specifications,
  specification_version  integer NOT NULL,
  state                  smallint NOT NULL DEFAULT 1 CHECK (state BETWEEN 1 AND 5),
  opened_by              text NOT NULL,
  opened_at              timestamptz NOT NULL,
  disposed_by            text,
  disposed_at            timestamptz,
  disposition_reason     text,
  pending_test_codes     text[] NOT NULL DEFAULT '{}',
  conditions_closed_at   timestamptz,
  rejected_by_result_id  text,
  version                bigint NOT NULL DEFAULT 1
);
CREATE INDEX lots_by_open ON lots (opened_at DESC, lot_id DESC);

CREATE TABLE samples (
  sample_id    text PRIMARY KEY,
  lot_id       text NOT NULL REFERENCES lots,
  item_id      text NOT NULL UNIQUE,
  test_codes   text[] NOT NULL CHECK (cardinality(test_codes) > 0),
  description  text NOT NULL,
  drawn_by     text NOT NULL,
  drawn_at     timestamptz NOT NULL,
  created_at   timestamptz NOT NULL
);
CREATE INDEX samples_by_lot ON samples (lot_id, created_at);

CREATE TABLE results (
  result_id            text PRIMARY KEY,
  lot_id               text NOT NULL REFERENCES lots,
  sample_id            text NOT NULL REFERENCES samples,
  test_code            text NOT NULL,
  value                text NOT NULL,
  unit                 text NOT NULL,
  conformance          smallint NOT NULL CHECK (conformance BETWEEN 1 AND 2),
  criterion            text NOT NULL,
  retest_of_result_id  text REFERENCES results,
  retest_reason        text,
  retest_approved_by   text,
  tested_at            timestamptz NOT NULL,
  performed_by         text NOT NULL,
  performed_at         timestamptz NOT NULL,
  reviewed_by          text,
  reviewed_at          timestamptz,
  invalidated          boolean NOT NULL DEFAULT false,
  invalidation_reason  text,
  invalidated_by       text,
  invalidated_at       timestamptz,
  investigation_id     text,
  instrument           text NOT NULL DEFAULT '',
  version              bigint NOT NULL DEFAULT 1,
  created_at           timestamptz NOT NULL,
  CHECK ((retest_of_result_id IS NULL) = (retest_approved_by IS NULL)),
  CHECK (reviewed_by IS NULL OR reviewed_by <> performed_by)
);
CREATE INDEX results_by_lot ON results (lot_id, created_at);

CREATE TABLE investigations (
  investigation_id  text PRIMARY KEY,
  lot_id            text NOT NULL REFERENCES lots,
  result_id         text NOT NULL UNIQUE REFERENCES results,
  test_code         text NOT NULL,
  status            smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 2),
  opened_at         timestamptz NOT NULL,
  outcome           smallint CHECK (outcome BETWEEN 1 AND 3),
  conclusion        text,
  closed_by         text,
  closed_at         timestamptz,
  version           bigint NOT NULL DEFAULT 1,
  CHECK ((status = 2) = (closed_by IS NOT NULL)),
  CHECK ((status = 2) = (outcome IS NOT NULL))
);
CREATE INDEX investigations_by_lot ON investigations (lot_id, opened_at);

-- patients: a cellchain.qc.v1.Lookback holding only its patients.
CREATE TABLE lookbacks (
  lookback_id        text PRIMARY KEY,
  lot_id             text NOT NULL REFERENCES lots,
  product_item_id    text NOT NULL,
  trigger_result_id  text REFERENCES results,
  reason             text NOT NULL,
  recall_id          text NOT NULL,
  held_item_ids      text[] NOT NULL,
  patients           bytea NOT NULL,
  produced_by        text NOT NULL,
  produced_at        timestamptz NOT NULL
);
CREATE INDEX lookbacks_by_lot ON lookbacks (lot_id, produced_at);

-- The testing record is kept: nothing is deleted, a sample or a lookback
-- never changes, and a result's value never does.
CREATE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'cellchain_qc.%: % refused (testing records are kept)',
    TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['specifications', 'lots', 'samples', 'results',
                           'investigations', 'lookbacks'] LOOP
    EXECUTE format('CREATE TRIGGER %I_kept BEFORE DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION refuse_change()', t, t);
    EXECUTE format('CREATE TRIGGER %I_no_truncate BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()', t, t);
  END LOOP;
END
$$;
CREATE TRIGGER samples_unchanged BEFORE UPDATE ON samples
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER lookbacks_unchanged BEFORE UPDATE ON lookbacks
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE FUNCTION keep_result_value() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.value, NEW.unit, NEW.conformance, NEW.test_code, NEW.sample_id,
      NEW.performed_by, NEW.performed_at, NEW.tested_at)
     IS DISTINCT FROM
     (OLD.value, OLD.unit, OLD.conformance, OLD.test_code, OLD.sample_id,
      OLD.performed_by, OLD.performed_at, OLD.tested_at) THEN
    RAISE EXCEPTION 'cellchain_qc.results: a result''s value is never '
      'changed; enter a retest'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER results_value_kept BEFORE UPDATE ON results
  FOR EACH ROW EXECUTE FUNCTION keep_result_value();

CREATE FUNCTION keep_specification_tests() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.tests, NEW.name, NEW.version) IS DISTINCT FROM
     (OLD.tests, OLD.name, OLD.version) THEN
    RAISE EXCEPTION 'cellchain_qc.specifications: a version''s tests never '
      'change; create a new version'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER specifications_tests_kept BEFORE UPDATE ON specifications
  FOR EACH ROW EXECUTE FUNCTION keep_specification_tests();

-- Which enum each code column holds (docs/decisions/0014-sql-and-enums.md):
-- the proto enum's number, 0 (UNSPECIFIED) never stored; the CHECK spans
-- the enum's numbers. enum_columns_pg_test holds each comment to its enum.
COMMENT ON COLUMN specifications.status IS
  'enum cellchain.qc.v1.SpecificationStatus';
COMMENT ON COLUMN lots.state IS 'enum cellchain.qc.v1.LotState';
COMMENT ON COLUMN results.conformance IS 'enum cellchain.qc.v1.Conformance';
COMMENT ON COLUMN investigations.status IS
  'enum cellchain.qc.v1.InvestigationStatus';
COMMENT ON COLUMN investigations.outcome IS
  'enum cellchain.qc.v1.InvestigationOutcome';

GRANT USAGE ON SCHEMA cellchain_qc TO cellchain_qc, cellchain_audit;
GRANT SELECT, INSERT, UPDATE ON specifications, lots, results, investigations
  TO cellchain_qc;
GRANT SELECT, INSERT ON samples, lookbacks TO cellchain_qc;
-- The audit service reads every table for its state readers.
GRANT SELECT ON specifications, lots, samples, results, investigations,
  lookbacks TO cellchain_audit;
