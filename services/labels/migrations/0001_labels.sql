-- Labels (issue 11; docs/services/labels.md): every print job of an item's
-- label with the content as printed and its SHA-256, reprints with their
-- reason and the job they follow, voids with theirs, and every scan of an
-- applied label with its verdict. Role cellchain_labels owns the changes;
-- each change is audited through the ledger in its transaction.

CREATE SCHEMA cellchain_labels;

DO $$
BEGIN
  CREATE ROLE cellchain_labels LOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;
GRANT cellchain_service TO cellchain_labels;

-- One row per print job. What was printed (item, DIN, type, kind, the
-- earlier job and the reason of a reprint, printer, copies, workstation,
-- the label's bytes and hash, who and when) never changes; the state moves
-- PRINTED -> VERIFIED, and either to VOIDED, once.
CREATE TABLE print_jobs (
  job_id             text PRIMARY KEY,
  item_id            text NOT NULL,
  din                text NOT NULL CHECK (length(din) = 13),
  label_type         smallint NOT NULL CHECK (label_type BETWEEN 1 AND 5),
  kind               smallint NOT NULL CHECK (kind BETWEEN 1 AND 2),
  reprint_of_job_id  text REFERENCES print_jobs,
  reason             text NOT NULL DEFAULT '',
  printer            text NOT NULL CHECK (length(printer) BETWEEN 1 AND 64),
  copies             integer NOT NULL CHECK (copies BETWEEN 1 AND 10),
  workstation        text NOT NULL,
  -- cellchain.labels.v1.Label, serialized deterministically; content_sha256
  -- is the lower-case hex SHA-256 of exactly these bytes.
  label_bytes        bytea NOT NULL,
  content_sha256     text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
  printed_by         text NOT NULL,
  printed_at         timestamptz NOT NULL,
  state              smallint NOT NULL CHECK (state BETWEEN 1 AND 3),
  verified_by        text,
  verified_at        timestamptz,
  voided_by          text,
  voided_at          timestamptz,
  void_reason        text,
  version            bigint NOT NULL DEFAULT 1,
  -- A reprint (kind 2, PRINT_KIND_REPRINT) names its earlier job and its
  -- reason; a first print (1) neither.
  CHECK ((kind = 2) = (reprint_of_job_id IS NOT NULL)),
  CHECK ((kind = 2) = (reason <> '')),
  -- VOIDED (3) exactly when a void is recorded.
  CHECK ((state = 3) = (voided_at IS NOT NULL AND voided_by IS NOT NULL
                        AND coalesce(void_reason, '') <> ''))
);
-- An item's first print is printed once: every later one is a reprint.
CREATE UNIQUE INDEX print_jobs_one_first_per_item ON print_jobs (item_id)
  WHERE kind = 1;
CREATE INDEX print_jobs_by_item ON print_jobs (item_id, printed_at);
CREATE INDEX print_jobs_by_din ON print_jobs (din, item_id);

-- One row per scan of an applied label, pass or fail, never changed.
CREATE TABLE label_verifications (
  verification_id  text PRIMARY KEY,
  job_id           text NOT NULL REFERENCES print_jobs,
  item_id          text NOT NULL,
  scan             text NOT NULL,
  result           smallint NOT NULL CHECK (result BETWEEN 1 AND 2),
  mismatch         smallint NOT NULL CHECK (mismatch BETWEEN 0 AND 4),
  detail           text NOT NULL DEFAULT '',
  scanned_item_id  text,
  scanned_by       text NOT NULL,
  scanned_at       timestamptz NOT NULL,
  -- A pass (1) has no mismatch; a failure (2) has one.
  CHECK ((result = 1) = (mismatch = 0))
);
CREATE INDEX label_verifications_by_item ON label_verifications
  (item_id, scanned_at);

-- Nothing is deleted; a verification never changes, nor what a job
-- printed.
CREATE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'cellchain_labels.%: % refused (label records are kept)',
    TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['print_jobs', 'label_verifications'] LOOP
    EXECUTE format('CREATE TRIGGER %I_kept BEFORE DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION refuse_change()', t, t);
    EXECUTE format('CREATE TRIGGER %I_no_truncate BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()', t, t);
  END LOOP;
END
$$;
CREATE TRIGGER label_verifications_unchanged BEFORE UPDATE
  ON label_verifications FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE FUNCTION keep_print() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.item_id, NEW.din, NEW.label_type, NEW.kind, NEW.reprint_of_job_id,
      NEW.reason, NEW.printer, NEW.copies, NEW.workstation, NEW.label_bytes,
      NEW.content_sha256, NEW.printed_by, NEW.printed_at)
     IS DISTINCT FROM
     (OLD.item_id, OLD.din, OLD.label_type, OLD.kind, OLD.reprint_of_job_id,
      OLD.reason, OLD.printer, OLD.copies, OLD.workstation, OLD.label_bytes,
      OLD.content_sha256, OLD.printed_by, OLD.printed_at)
     OR OLD.state = 3 THEN
    RAISE EXCEPTION 'cellchain_labels.print_jobs: what was printed never '
      'changes, nor a voided job'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER print_jobs_print_kept BEFORE UPDATE ON print_jobs
  FOR EACH ROW EXECUTE FUNCTION keep_print();

-- Which enum each code column holds (docs/decisions/0014-sql-and-enums.md):
-- the proto enum's number, 0 (UNSPECIFIED) never stored except where said;
-- the CHECK spans the enum's numbers.
COMMENT ON COLUMN print_jobs.label_type IS 'enum cellchain.labels.v1.LabelType';
COMMENT ON COLUMN print_jobs.kind IS 'enum cellchain.labels.v1.PrintKind';
COMMENT ON COLUMN print_jobs.state IS 'enum cellchain.labels.v1.PrintJobState';
COMMENT ON COLUMN label_verifications.result IS
  'enum cellchain.labels.v1.VerificationResult';
COMMENT ON COLUMN label_verifications.mismatch IS
  'enum cellchain.labels.v1.ScanMismatch (0, UNSPECIFIED, on a pass)';

GRANT USAGE ON SCHEMA cellchain_labels TO cellchain_labels, cellchain_audit;
GRANT SELECT, INSERT, UPDATE ON print_jobs TO cellchain_labels;
GRANT SELECT, INSERT ON label_verifications TO cellchain_labels;
-- The audit service reads every table for its state readers.
GRANT SELECT ON print_jobs, label_verifications TO cellchain_audit;
