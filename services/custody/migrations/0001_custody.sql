-- Custody: physical items, their derivation graph (the chain of identity),
-- locations, handoffs, temperatures, holds, recalls and DIN allocation
-- (design brief §4; docs/services/custody.md). Role cellchain_custody owns
-- the changes; each change is audited through the ledger in its
-- transaction.

CREATE SCHEMA cellchain_custody;

DO $$
BEGIN
  CREATE ROLE cellchain_custody LOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;
GRANT cellchain_service TO cellchain_custody;

-- Next DIN sequence number per facility and nominal year. Allocation is an
-- UPSERT ... RETURNING on this row: concurrent allocations queue on its row
-- lock and each gets its own number; a number is never handed out twice,
-- even when its transaction's item is never registered (din_allocations).
CREATE TABLE din_sequences (
  fin           text NOT NULL CHECK (fin ~ '^[A-NP-Z1-9][A-NP-Z0-9]{2}[0-9]{2}$'),
  year          smallint NOT NULL CHECK (year BETWEEN 0 AND 99),
  last_sequence integer NOT NULL CHECK (last_sequence BETWEEN 1 AND 999999),
  PRIMARY KEY (fin, year)
);

CREATE TABLE din_allocations (
  din          text PRIMARY KEY CHECK (length(din) = 13),
  fin          text NOT NULL,
  year         smallint NOT NULL,
  sequence     integer NOT NULL,
  allocated_by text NOT NULL,
  allocated_at timestamptz NOT NULL,
  UNIQUE (fin, year, sequence)
);

-- site > room > freezer > rack > box > position (kind 1..6,
-- cellchain.custody.v1.LocationKind); a child's kind is deeper than its
-- parent's; only a site has no parent.
CREATE TABLE locations (
  location_id text PRIMARY KEY,
  kind        smallint NOT NULL CHECK (kind BETWEEN 1 AND 6),
  name        text NOT NULL CHECK (btrim(name) <> ''),
  parent_id   text REFERENCES locations (location_id),
  parent_kind smallint,
  created_at  timestamptz NOT NULL,
  CHECK ((kind = 1) = (parent_id IS NULL)),
  CHECK (parent_id IS NULL OR parent_kind < kind),
  -- Two sites, or two children of one place, never share a name.
  UNIQUE NULLS NOT DISTINCT (parent_id, name)
);

-- state: available | in_transit | consumed | infused | discarded. Holds are
-- counted apart (on_hold), so a held item keeps its place in the life
-- cycle. An item at a position is the only one there (items_one_per_position).
CREATE TABLE items (
  item_id          text PRIMARY KEY,
  type             smallint NOT NULL CHECK (type BETWEEN 1 AND 9),
  din              text,
  product_code     text,
  expiration       text,
  chain_of_identity text,
  local_code       text UNIQUE,
  description      text NOT NULL DEFAULT '',
  state            text NOT NULL CHECK (state IN ('available', 'in_transit',
                     'consumed', 'infused', 'discarded')),
  on_hold          boolean NOT NULL DEFAULT false,
  custodian        text,
  location_id      text REFERENCES locations (location_id),
  at_position      boolean NOT NULL DEFAULT false,
  open_handoff_id  text,
  temperature_excursion boolean NOT NULL DEFAULT false,
  patient_id       text,
  registered_at    timestamptz NOT NULL,
  version          bigint NOT NULL DEFAULT 1,
  CHECK (state <> 'in_transit' OR (custodian IS NULL AND open_handoff_id IS NOT NULL)),
  CHECK (state = 'in_transit' OR open_handoff_id IS NULL),
  CHECK (NOT at_position OR location_id IS NOT NULL)
);
-- The ISBT 128 identity of a labelled item: a DIN with its product code
-- (and division) names one item.
CREATE UNIQUE INDEX items_isbt128 ON items (din, coalesce(product_code, ''))
  WHERE din IS NOT NULL;
CREATE UNIQUE INDEX items_one_per_position ON items (location_id)
  WHERE at_position;
CREATE INDEX items_location ON items (location_id) WHERE location_id IS NOT NULL;
CREATE INDEX items_patient ON items (patient_id) WHERE patient_id IS NOT NULL;

-- The derivation graph: child came from parent. record_id is the audit
-- record that created the link, set once in the same transaction, right
-- after the record is appended (the record's snapshot lists the link, so
-- the link exists before its record). Acyclic: checked under the graph's
-- advisory lock before each insert.
CREATE TABLE item_links (
  child_id  text NOT NULL REFERENCES items (item_id),
  parent_id text NOT NULL REFERENCES items (item_id),
  kind      smallint NOT NULL CHECK (kind BETWEEN 1 AND 12),
  record_id text,
  PRIMARY KEY (child_id, parent_id),
  CHECK (child_id <> parent_id)
);
CREATE INDEX item_links_parent ON item_links (parent_id, child_id);
-- The QC samples drawn from an item (kind 10, SAMPLE), for trace.
CREATE INDEX item_links_samples ON item_links (parent_id) WHERE kind = 10;
CREATE FUNCTION link_set_record_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.record_id IS NOT NULL OR NEW.child_id <> OLD.child_id
     OR NEW.parent_id <> OLD.parent_id OR NEW.kind <> OLD.kind THEN
    RAISE EXCEPTION 'cellchain_custody.item_links: a link is never changed'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER item_links_record_once BEFORE UPDATE ON item_links
  FOR EACH ROW EXECUTE FUNCTION link_set_record_once();

CREATE TABLE handoffs (
  handoff_id        text PRIMARY KEY,
  item_id           text NOT NULL REFERENCES items (item_id),
  from_user_id      text,
  from_location_id  text REFERENCES locations (location_id),
  to_user_id        text,
  to_location_id    text REFERENCES locations (location_id),
  carrier_user_id   text NOT NULL,
  condition_at_dispatch text NOT NULL DEFAULT '',
  seal_intact_at_dispatch boolean NOT NULL,
  initiated_at      timestamptz NOT NULL,
  status            text NOT NULL CHECK (status IN ('OPEN', 'ACCEPTED', 'CANCELLED')),
  accepted_by       text,
  condition_at_receipt text NOT NULL DEFAULT '',
  seal_intact_at_receipt boolean NOT NULL DEFAULT false,
  closed_at         timestamptz,
  CHECK (to_user_id IS NOT NULL OR to_location_id IS NOT NULL)
);
-- At most one open handoff per item: of two concurrent handoffs of one
-- item exactly one commits.
CREATE UNIQUE INDEX handoffs_one_open ON handoffs (item_id) WHERE status = 'OPEN';
CREATE INDEX handoffs_item ON handoffs (item_id, initiated_at);

CREATE TABLE recalls (
  recall_id   text PRIMARY KEY,
  item_id     text NOT NULL REFERENCES items (item_id),
  reason      text NOT NULL CHECK (btrim(reason) <> ''),
  recalled_by text NOT NULL,
  recalled_at timestamptz NOT NULL,
  items_held  integer NOT NULL
);

CREATE TABLE holds (
  hold_id     text PRIMARY KEY,
  item_id     text NOT NULL REFERENCES items (item_id),
  reason      text NOT NULL CHECK (btrim(reason) <> ''),
  placed_by   text NOT NULL,
  recall_id   text REFERENCES recalls (recall_id),
  placed_at   timestamptz NOT NULL,
  released_by text,
  released_at timestamptz,
  CHECK ((released_by IS NULL) = (released_at IS NULL))
);
CREATE INDEX holds_active ON holds (item_id) WHERE released_at IS NULL;

-- Allowed range per item type (cellchain.custody.v1.ItemType). Defaults
-- for this product; QA changes them through SetTemperatureLimits.
CREATE TABLE temperature_limits (
  item_type   smallint PRIMARY KEY CHECK (item_type BETWEEN 1 AND 9),
  min_celsius double precision NOT NULL,
  max_celsius double precision NOT NULL,
  CHECK (min_celsius < max_celsius)
);
INSERT INTO temperature_limits (item_type, min_celsius, max_celsius) VALUES
  (2, 2, 25),        -- tissue container, transport from the maternity
  (3, 35, 39),       -- culture vessel, in the incubator
  (4, -196, -150),   -- cryovial, vapour-phase liquid nitrogen
  (5, 2, 25),        -- QC sample
  (6, 2, 8),         -- dose bag
  (7, 2, 8),         -- reagent lot
  (9, 2, 25);        -- product lot before formulation

CREATE TABLE temperature_uploads (
  upload_id   text PRIMARY KEY,
  item_id     text REFERENCES items (item_id),
  location_id text REFERENCES locations (location_id),
  logger_id   text NOT NULL DEFAULT '',
  uploaded_by text NOT NULL,
  uploaded_at timestamptz NOT NULL,
  CHECK ((item_id IS NULL) <> (location_id IS NULL))
);
CREATE TABLE temperature_readings (
  upload_id   text NOT NULL REFERENCES temperature_uploads (upload_id),
  seq         integer NOT NULL,
  measured_at timestamptz NOT NULL,
  celsius     double precision NOT NULL,
  PRIMARY KEY (upload_id, seq)
);
CREATE TABLE temperature_excursions (
  upload_id   text NOT NULL REFERENCES temperature_uploads (upload_id),
  item_id     text NOT NULL REFERENCES items (item_id),
  measured_at timestamptz NOT NULL,
  celsius     double precision NOT NULL,
  min_celsius double precision NOT NULL,
  max_celsius double precision NOT NULL,
  PRIMARY KEY (upload_id, item_id)
);

-- History is never deleted: links, handoffs, holds, recalls, allocations
-- and readings are kept; an ended item keeps its row.
CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'cellchain_custody.%: % refused (custody history is kept)',
    TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['items', 'item_links', 'handoffs', 'holds',
                           'recalls', 'din_allocations', 'locations',
                           'temperature_uploads', 'temperature_readings',
                           'temperature_excursions'] LOOP
    EXECUTE format('CREATE TRIGGER %I_kept BEFORE DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION refuse_delete()', t, t);
    EXECUTE format('CREATE TRIGGER %I_no_truncate BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete()', t, t);
  END LOOP;
END
$$;

GRANT USAGE ON SCHEMA cellchain_custody TO cellchain_custody, cellchain_audit;
GRANT SELECT, INSERT, UPDATE ON din_sequences, items, handoffs, holds,
  temperature_limits TO cellchain_custody;
GRANT SELECT, INSERT ON din_allocations, locations, item_links, recalls,
  temperature_uploads, temperature_readings, temperature_excursions
  TO cellchain_custody;
GRANT UPDATE (record_id) ON item_links TO cellchain_custody;
GRANT SELECT ON ALL TABLES IN SCHEMA cellchain_custody TO cellchain_audit;
