-- Infusion and the 5-day safety observation, first part: a dose's
-- infusion record from its receipt at the cath lab, and the two
-- clinicians' bedside checks (design brief §4.6; docs/services/clinical.md).
-- The infusion itself, unused product, observations and adverse events
-- come with their RPCs in later migrations. Role cellchain_clinical owns
-- the changes; each change is audited through the ledger in its
-- transaction.

CREATE SCHEMA cellchain_clinical;

DO $$
BEGIN
  CREATE ROLE cellchain_clinical LOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;
GRANT cellchain_service TO cellchain_clinical;

-- One row per dose received at the cath lab. What the dose was (its ids,
-- chain of identity and volume) is copied at receipt and never changes.
CREATE TABLE infusions (
  infusion_id          text PRIMARY KEY,
  dose_id              text NOT NULL,
  subject_id           text NOT NULL,
  lot_id               text NOT NULL,
  item_id              text NOT NULL,
  chain_of_identity    text NOT NULL,
  dose_volume_ml       double precision NOT NULL CHECK (dose_volume_ml > 0),
  state                smallint NOT NULL CHECK (state BETWEEN 1 AND 5),
  received_by          text NOT NULL,
  received_at          timestamptz NOT NULL,
  receipt_handoff_id   text NOT NULL,
  bedside_verified_at  timestamptz,
  version              bigint NOT NULL DEFAULT 1
);
-- A dose is at the cath lab once at a time: a second receipt waits for
-- the first to end in a return (INFUSION_STATE_RETURNED = 4).
CREATE UNIQUE INDEX infusions_one_live_per_dose ON infusions (dose_id)
  WHERE state <> 4;
CREATE INDEX infusions_by_subject ON infusions (subject_id, received_at);
CREATE INDEX infusions_by_lot ON infusions (lot_id, received_at);

-- Each clinician's bedside check as scanned and read: ordinal 1 is the
-- signer's, 2 the co-signer's; two different clinicians (four eyes, once
-- more where the rows are).
CREATE TABLE bedside_checks (
  infusion_id        text NOT NULL REFERENCES infusions,
  ordinal            smallint NOT NULL CHECK (ordinal BETWEEN 1 AND 2),
  user_id            text NOT NULL,
  label_scan         text NOT NULL,
  subject_id         text NOT NULL,
  date_of_birth      text NOT NULL,
  initials           text NOT NULL,
  chain_of_identity  text NOT NULL,
  checked_at         timestamptz NOT NULL,
  PRIMARY KEY (infusion_id, ordinal),
  UNIQUE (infusion_id, user_id)
);

-- Nothing is deleted; a bedside check never changes, nor what an infusion
-- record copied from its dose.
CREATE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'cellchain_clinical.%: % refused (clinical records are kept)',
    TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['infusions', 'bedside_checks'] LOOP
    EXECUTE format('CREATE TRIGGER %I_kept BEFORE DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION refuse_change()', t, t);
    EXECUTE format('CREATE TRIGGER %I_no_truncate BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()', t, t);
  END LOOP;
END
$$;
CREATE TRIGGER bedside_checks_unchanged BEFORE UPDATE ON bedside_checks
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE FUNCTION keep_receipt() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.dose_id, NEW.subject_id, NEW.lot_id, NEW.item_id,
      NEW.chain_of_identity, NEW.dose_volume_ml, NEW.received_by,
      NEW.received_at, NEW.receipt_handoff_id)
     IS DISTINCT FROM
     (OLD.dose_id, OLD.subject_id, OLD.lot_id, OLD.item_id,
      OLD.chain_of_identity, OLD.dose_volume_ml, OLD.received_by,
      OLD.received_at, OLD.receipt_handoff_id) THEN
    RAISE EXCEPTION 'cellchain_clinical.infusions: what was received never '
      'changes'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER infusions_receipt_kept BEFORE UPDATE ON infusions
  FOR EACH ROW EXECUTE FUNCTION keep_receipt();

-- Which enum each code column holds (docs/decisions/0014-sql-and-enums.md):
-- the proto enum's number, 0 (UNSPECIFIED) never stored; the CHECK spans
-- the enum's numbers.
COMMENT ON COLUMN infusions.state IS 'enum cellchain.clinical.v1.InfusionState';
COMMENT ON COLUMN bedside_checks.ordinal IS
  'not an enum: 1 the signing clinician, 2 the co-signing one';

GRANT USAGE ON SCHEMA cellchain_clinical TO cellchain_clinical,
  cellchain_audit;
GRANT SELECT, INSERT, UPDATE ON infusions TO cellchain_clinical;
GRANT SELECT, INSERT ON bedside_checks TO cellchain_clinical;
-- The audit service reads every table for its state readers.
GRANT SELECT ON infusions, bedside_checks TO cellchain_audit;
