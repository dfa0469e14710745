-- Manufacturing: material lots, equipment, batches, their steps (with
-- every revision), the custody items the steps made, and deviations
-- (design brief §4.2; docs/services/manufacturing.md). Role
-- cellchain_manufacturing owns the changes; each change is audited through
-- the ledger in its transaction.

CREATE SCHEMA cellchain_manufacturing;

DO $$
BEGIN
  CREATE ROLE cellchain_manufacturing LOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;
GRANT cellchain_service TO cellchain_manufacturing;

CREATE TABLE materials (
  material_id       text PRIMARY KEY,
  material_code     text NOT NULL UNIQUE,
  kind              smallint NOT NULL CHECK (kind BETWEEN 1 AND 8),
  name              text NOT NULL,
  supplier          text NOT NULL,
  supplier_lot      text NOT NULL,
  expires_on        date NOT NULL,
  status            smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 3),
  item_id           text NOT NULL UNIQUE,
  received_by       text NOT NULL,
  received_at       timestamptz NOT NULL,
  dispositioned_by  text,
  dispositioned_at  timestamptz,
  rejection_reason  text,
  version           bigint NOT NULL DEFAULT 1,
  UNIQUE (supplier, supplier_lot, name)
);

CREATE TABLE equipment (
  equipment_id      text PRIMARY KEY,
  kind              smallint NOT NULL CHECK (kind BETWEEN 1 AND 6),
  name              text NOT NULL,
  asset_tag         text NOT NULL UNIQUE,
  status            smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 2),
  calibrated_on     date NOT NULL,
  calibration_due   date NOT NULL CHECK (calibration_due >= calibrated_on),
  calibration_reference text NOT NULL,
  item_id           text NOT NULL UNIQUE,
  status_reason     text NOT NULL DEFAULT '',
  version           bigint NOT NULL DEFAULT 1
);

CREATE TABLE batches (
  batch_id          text PRIMARY KEY,
  donor_lot_id      text NOT NULL,
  donor_lot_item_id text NOT NULL,
  din               text NOT NULL CHECK (length(din) = 13),
  collected_at      timestamptz NOT NULL,
  process_version   text NOT NULL,
  state             smallint NOT NULL DEFAULT 1 CHECK (state BETWEEN 1 AND 3),
  started_by        text NOT NULL,
  started_at        timestamptz NOT NULL,
  product_item_id   text,
  product_step_id   text,
  abort_reason      text,
  version           bigint NOT NULL DEFAULT 1
);
CREATE INDEX batches_by_start ON batches (started_at DESC, batch_id DESC);
CREATE INDEX batches_by_donor_lot ON batches (donor_lot_id);

-- values: the current revision's cellchain.manufacturing.v1.StepValues,
-- serialized deterministically; step_revisions keeps every revision.
CREATE TABLE steps (
  step_id           text PRIMARY KEY,
  batch_id          text NOT NULL REFERENCES batches,
  kind              smallint NOT NULL CHECK (kind BETWEEN 1 AND 5),
  passage_number    integer NOT NULL CHECK (passage_number >= 0),
  source_step_id    text REFERENCES steps,
  status            smallint NOT NULL CHECK (status BETWEEN 1 AND 3),
  revision          bigint NOT NULL DEFAULT 1,
  step_values       bytea NOT NULL,
  recorded_by       text NOT NULL,
  recorded_at       timestamptz NOT NULL,
  verified_by       text,
  verified_at       timestamptz,
  correction_reason text NOT NULL DEFAULT '',
  created_at        timestamptz NOT NULL
);
CREATE INDEX steps_by_batch ON steps (batch_id, created_at);
-- One processing step per batch.
CREATE UNIQUE INDEX steps_one_processing ON steps (batch_id) WHERE kind = 1;

CREATE TABLE step_revisions (
  step_id           text NOT NULL REFERENCES steps,
  revision          bigint NOT NULL,
  step_values       bytea NOT NULL,
  recorded_by       text NOT NULL,
  recorded_at       timestamptz NOT NULL,
  reason            text NOT NULL DEFAULT '',
  PRIMARY KEY (step_id, revision)
);

-- The custody items a step made: vessels (role 1), vials (2) at their
-- positions, the product lot (3).
CREATE TABLE step_items (
  step_id           text NOT NULL REFERENCES steps,
  ordinal           integer NOT NULL,
  item_id           text NOT NULL UNIQUE,
  role              smallint NOT NULL CHECK (role BETWEEN 1 AND 3),
  position_location_id text,
  PRIMARY KEY (step_id, ordinal)
);

-- Which steps consumed which material lots, for a recall's lookback.
CREATE TABLE consumptions (
  step_id           text NOT NULL REFERENCES steps,
  material_id       text NOT NULL REFERENCES materials,
  PRIMARY KEY (material_id, step_id)
);

-- A vial thawed by a thaw step; a vial is thawed once.
CREATE TABLE thaws (
  vial_item_id      text PRIMARY KEY REFERENCES step_items (item_id),
  step_id           text NOT NULL UNIQUE REFERENCES steps
);

CREATE TABLE deviations (
  deviation_id      text PRIMARY KEY,
  batch_id          text NOT NULL REFERENCES batches,
  step_id           text REFERENCES steps,
  rule              text NOT NULL DEFAULT '',
  classification    smallint NOT NULL CHECK (classification BETWEEN 1 AND 3),
  description       text NOT NULL,
  impact            text NOT NULL,
  status            smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 2),
  recorded_by       text NOT NULL,
  recorded_at       timestamptz NOT NULL,
  assessment        text,
  assessed_by       text,
  assessed_at       timestamptz
);
CREATE INDEX deviations_by_batch ON deviations (batch_id, recorded_at);

-- The batch record is kept: nothing is deleted, and a revision is never
-- changed.
CREATE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'cellchain_manufacturing.%: % refused (batch records are kept)',
    TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['materials', 'equipment', 'batches', 'steps',
                           'step_revisions', 'step_items', 'consumptions',
                           'thaws', 'deviations'] LOOP
    EXECUTE format('CREATE TRIGGER %I_kept BEFORE DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION refuse_change()', t, t);
    EXECUTE format('CREATE TRIGGER %I_no_truncate BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()', t, t);
  END LOOP;
END
$$;
CREATE TRIGGER step_revisions_unchanged BEFORE UPDATE ON step_revisions
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

GRANT USAGE ON SCHEMA cellchain_manufacturing TO cellchain_manufacturing,
  cellchain_audit;
GRANT SELECT, INSERT, UPDATE ON materials, equipment, batches, steps,
  deviations TO cellchain_manufacturing;
GRANT SELECT, INSERT ON step_revisions, step_items, consumptions, thaws
  TO cellchain_manufacturing;
-- The audit service reads every table for its state readers.
GRANT SELECT ON materials, equipment, batches, steps, step_revisions,
  step_items, consumptions, thaws, deviations TO cellchain_audit;
