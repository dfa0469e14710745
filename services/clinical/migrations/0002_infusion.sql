-- The infusion as performed (RecordInfusion): start and end, volume, the
-- rate the service computed and its deviation flag, route, artery,
-- catheter, balloon occlusion, complications, the operator; a partial
-- infusion's remainder and its destruction with a witness (design brief
-- §4.6; docs/services/clinical.md).

ALTER TABLE infusions
  ADD COLUMN started_at          timestamptz,
  ADD COLUMN ended_at            timestamptz,
  ADD COLUMN volume_infused_ml   double precision
    CHECK (volume_infused_ml > 0 AND volume_infused_ml <= dose_volume_ml),
  ADD COLUMN route               smallint CHECK (route BETWEEN 1 AND 1),
  ADD COLUMN artery              smallint CHECK (artery BETWEEN 1 AND 4),
  ADD COLUMN catheter_french     integer
    CHECK (catheter_french BETWEEN 4 AND 8),
  ADD COLUMN balloon_occlusion   boolean,
  ADD COLUMN rate_ml_per_min     double precision CHECK (rate_ml_per_min > 0),
  ADD COLUMN rate_deviation      boolean NOT NULL DEFAULT false,
  ADD COLUMN operator            text,
  ADD COLUMN remainder_ml        double precision CHECK (remainder_ml >= 0),
  ADD COLUMN remainder_disposal  smallint
    CHECK (remainder_disposal BETWEEN 1 AND 2),
  ADD COLUMN disposed_by         text,
  ADD COLUMN disposal_witness    text,
  ADD COLUMN disposed_at         timestamptz,
  ADD COLUMN disposal_reason     text,
  ADD CONSTRAINT infusions_end_after_start CHECK (ended_at > started_at),
  -- Four eyes on a destruction, once more where the rows are.
  ADD CONSTRAINT infusions_witness_not_destroyer
    CHECK (disposal_witness IS NULL OR disposal_witness <> disposed_by);

-- The complications during the procedure, in the order reported.
CREATE TABLE infusion_complications (
  infusion_id   text NOT NULL REFERENCES infusions,
  position      integer NOT NULL CHECK (position >= 1),
  complication  text NOT NULL,
  PRIMARY KEY (infusion_id, position)
);
CREATE TRIGGER infusion_complications_kept
  BEFORE DELETE ON infusion_complications
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER infusion_complications_no_truncate
  BEFORE TRUNCATE ON infusion_complications
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER infusion_complications_unchanged
  BEFORE UPDATE ON infusion_complications
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- An infusion once recorded never changes.
CREATE FUNCTION keep_infusion() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.started_at IS NOT NULL AND
     (NEW.started_at, NEW.ended_at, NEW.volume_infused_ml, NEW.route,
      NEW.artery, NEW.catheter_french, NEW.balloon_occlusion,
      NEW.rate_ml_per_min, NEW.rate_deviation, NEW.operator,
      NEW.remainder_ml)
     IS DISTINCT FROM
     (OLD.started_at, OLD.ended_at, OLD.volume_infused_ml, OLD.route,
      OLD.artery, OLD.catheter_french, OLD.balloon_occlusion,
      OLD.rate_ml_per_min, OLD.rate_deviation, OLD.operator,
      OLD.remainder_ml) THEN
    RAISE EXCEPTION 'cellchain_clinical.infusions: an infusion once '
      'recorded never changes'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER infusions_infusion_kept BEFORE UPDATE ON infusions
  FOR EACH ROW EXECUTE FUNCTION keep_infusion();

COMMENT ON COLUMN infusions.route IS 'enum cellchain.clinical.v1.Route';
COMMENT ON COLUMN infusions.artery IS
  'enum cellchain.clinical.v1.CoronaryArtery';
COMMENT ON COLUMN infusions.remainder_disposal IS
  'enum cellchain.clinical.v1.Disposal';

GRANT SELECT, INSERT ON infusion_complications TO cellchain_clinical;
GRANT SELECT ON infusion_complications TO cellchain_audit;
