-- Dose preparation and pharmacy dose release: patients (trial subjects,
-- identifying data sealed), dose orders, doses from preparation to release,
-- issue, return or destruction (design brief §4.4-4.5;
-- docs/services/dose.md). Role cellchain_dose owns the changes; each change
-- is audited through the ledger in its transaction.

CREATE SCHEMA cellchain_dose;

DO $$
BEGIN
  CREATE ROLE cellchain_dose LOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;
GRANT cellchain_service TO cellchain_dose;

-- The sequence number of each patient's chain of identity identifier
-- (ISBT 128 040): never reused.
CREATE SEQUENCE chain_of_identity_numbers MINVALUE 1 MAXVALUE 2176782335;

-- name_sealed, medical_record_number_sealed: crypto::FieldCipher values
-- ("cf1.<key id>.<base64>"), each bound to "patient/<subject_id>/<field>".
CREATE TABLE patients (
  subject_id                   text PRIMARY KEY,
  date_of_birth                date NOT NULL,
  initials                     text NOT NULL CHECK (initials ~ '^[A-Z]{2,3}$'),
  chain_of_identity            text NOT NULL UNIQUE,
  name_sealed                  text,
  medical_record_number_sealed text,
  registered_by                text NOT NULL,
  registered_at                timestamptz NOT NULL
);

CREATE TABLE orders (
  order_id                 text PRIMARY KEY,
  subject_id               text NOT NULL REFERENCES patients,
  prescribed_viable_cells  double precision NOT NULL
                             CHECK (prescribed_viable_cells > 0),
  final_volume_ml          double precision NOT NULL
                             CHECK (final_volume_ml > 0),
  vehicle                  text NOT NULL,
  heparin_iu_per_ml        double precision NOT NULL
                             CHECK (heparin_iu_per_ml > 0),
  route                    text NOT NULL,
  planned_infusion_at      timestamptz NOT NULL,
  prescriber               text NOT NULL,
  ordered_by               text NOT NULL,
  ordered_at               timestamptz NOT NULL
);
CREATE INDEX orders_by_subject ON orders (subject_id, ordered_at);

-- What a preparation fixed before its custody item was registered: the
-- lot's division and the time of preparation, per caller and request id,
-- so that a retry registers the same item and a refused preparation's
-- division is never given to another dose.
CREATE TABLE preparation_allocations (
  request_key  text PRIMARY KEY,
  lot_id       text NOT NULL,
  division     text NOT NULL,
  prepared_at  timestamptz NOT NULL,
  UNIQUE (lot_id, division)
);

CREATE TABLE doses (
  dose_id                      text PRIMARY KEY,
  order_id                     text NOT NULL REFERENCES orders,
  subject_id                   text NOT NULL REFERENCES patients,
  lot_id                       text NOT NULL,
  product_item_id              text NOT NULL,
  item_id                      text NOT NULL UNIQUE,
  din                          text NOT NULL CHECK (length(din) = 13),
  donation_identification      text NOT NULL,
  product_code                 text NOT NULL,
  expiration                   text NOT NULL,
  chain_of_identity            text NOT NULL,
  division                     text NOT NULL,
  source_total_cells_per_ml    double precision NOT NULL,
  source_viability_percent     double precision NOT NULL,
  viable_cells_per_ml          double precision NOT NULL,
  suspension_volume_ml         double precision NOT NULL,
  diluent_volume_ml            double precision NOT NULL,
  final_volume_ml              double precision NOT NULL,
  planned_viable_cells         double precision NOT NULL,
  planned_cells_per_ml         double precision NOT NULL,
  planned_deviation_percent    double precision NOT NULL,
  heparin_material_id          text NOT NULL,
  saline_material_id           text NOT NULL,
  prepared_by                  text NOT NULL,
  prepared_at                  timestamptz NOT NULL,
  expires_at                   timestamptz NOT NULL,
  state                        smallint NOT NULL CHECK (state BETWEEN 1 AND 8),
  post_total_cells_per_ml      double precision,
  post_viability_percent       double precision,
  delivered_viable_cells       double precision,
  delivered_deviation_percent  double precision,
  counted_by                   text,
  counted_at                   timestamptz,
  verified_by                  text,
  verified_at                  timestamptz,
  released_by                  text,
  released_at                  timestamptz,
  acknowledged_pending_test_codes text[] NOT NULL DEFAULT '{}',
  issued_handoff_id            text,
  issued_at                    timestamptz,
  returned_at                  timestamptz,
  return_reason                text,
  destroyed_by                 text,
  destruction_witness          text,
  destroyed_at                 timestamptz,
  destruction_reason           text,
  version                      bigint NOT NULL DEFAULT 1,
  UNIQUE (lot_id, division),
  -- Four eyes and segregation of duties, once more where the rows are.
  CHECK (verified_by IS NULL OR
         (verified_by <> prepared_by AND verified_by <> counted_by)),
  CHECK (released_by IS NULL OR
         released_by NOT IN (prepared_by, counted_by, verified_by)),
  CHECK (destruction_witness IS NULL OR destruction_witness <> destroyed_by)
);
CREATE INDEX doses_by_order ON doses (order_id, prepared_at);
CREATE INDEX doses_by_state ON doses (state, expires_at);

-- Nothing is deleted; a patient's bedside identifiers and chain of
-- identity never change, nor an order, nor what a dose was prepared from.
CREATE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'cellchain_dose.%: % refused (dose records are kept)',
    TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['patients', 'orders', 'preparation_allocations',
                           'doses'] LOOP
    EXECUTE format('CREATE TRIGGER %I_kept BEFORE DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION refuse_change()', t, t);
    EXECUTE format('CREATE TRIGGER %I_no_truncate BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()', t, t);
  END LOOP;
END
$$;
CREATE TRIGGER patients_unchanged BEFORE UPDATE ON patients
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER orders_unchanged BEFORE UPDATE ON orders
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER preparation_allocations_unchanged
  BEFORE UPDATE ON preparation_allocations
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE FUNCTION keep_preparation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.order_id, NEW.subject_id, NEW.lot_id, NEW.product_item_id,
      NEW.item_id, NEW.din, NEW.product_code, NEW.expiration,
      NEW.chain_of_identity, NEW.source_total_cells_per_ml,
      NEW.source_viability_percent, NEW.suspension_volume_ml,
      NEW.diluent_volume_ml, NEW.prepared_by, NEW.prepared_at,
      NEW.expires_at)
     IS DISTINCT FROM
     (OLD.order_id, OLD.subject_id, OLD.lot_id, OLD.product_item_id,
      OLD.item_id, OLD.din, OLD.product_code, OLD.expiration,
      OLD.chain_of_identity, OLD.source_total_cells_per_ml,
      OLD.source_viability_percent, OLD.suspension_volume_ml,
      OLD.diluent_volume_ml, OLD.prepared_by, OLD.prepared_at,
      OLD.expires_at) THEN
    RAISE EXCEPTION 'cellchain_dose.doses: what a dose was prepared from '
      'and its identification never change'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER doses_preparation_kept BEFORE UPDATE ON doses
  FOR EACH ROW EXECUTE FUNCTION keep_preparation();

-- Which enum each code column holds (docs/decisions/0014-sql-and-enums.md):
-- the proto enum's number, 0 (UNSPECIFIED) never stored; the CHECK spans
-- the enum's numbers.
COMMENT ON COLUMN doses.state IS 'enum cellchain.dose.v1.DoseState';

GRANT USAGE ON SCHEMA cellchain_dose TO cellchain_dose, cellchain_audit;
GRANT USAGE ON SEQUENCE chain_of_identity_numbers TO cellchain_dose;
GRANT SELECT, INSERT ON patients, preparation_allocations TO cellchain_dose;
-- UPDATE on orders only so that a preparation may lock its order's row
-- (SELECT ... FOR UPDATE): orders_unchanged refuses any actual update.
GRANT SELECT, INSERT, UPDATE ON orders, doses TO cellchain_dose;
-- The audit service reads every table for its state readers (the sealed
-- columns stay sealed: a Patient snapshot holds only whether each is
-- recorded).
GRANT SELECT ON patients, orders, doses TO cellchain_audit;
