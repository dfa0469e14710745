-- ISBT 128 divisions of a batch's cryovials and culture vessels (issue 28):
-- each carries the batch's DIN with its own product code, whose division
-- must be unique within the DIN (custody keeps one item per DIN and product
-- code). A step reserves `count` consecutive division numbers of its kind
-- from `first`, under the batch row's lock, before it registers its items;
-- a retry of the step (same step_id) reads its reservation back, so it
-- registers the same codes. A refused step keeps its reservation: its
-- discarded items still hold their codes in custody.
CREATE TABLE item_divisions (
  step_id  text PRIMARY KEY,
  batch_id text NOT NULL REFERENCES batches (batch_id),
  -- ITEM_TYPE_CULTURE_VESSEL or ITEM_TYPE_CRYOVIAL; the CHECK spans the
  -- enum (decision 0014).
  kind     smallint NOT NULL CHECK (kind BETWEEN 1 AND 9),
  first    integer NOT NULL CHECK (first >= 0),
  count    integer NOT NULL CHECK (count > 0)
);
CREATE INDEX item_divisions_by_batch ON item_divisions (batch_id, kind);
COMMENT ON COLUMN item_divisions.kind IS 'enum cellchain.custody.v1.ItemType';

GRANT SELECT, INSERT ON item_divisions TO cellchain_manufacturing;
GRANT SELECT ON item_divisions TO cellchain_audit;
