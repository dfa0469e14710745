-- The training clock's offset (docs/decisions/0017-training-clock.md): how
-- far a training or demo stack's clock (cellchaind --training-clock) is
-- ahead of real time. One row, made here at offset 0; AdvanceClock raises
-- it, never lowers it, so a restart reads it back and time never moves
-- backwards. A production server never reads it.

CREATE SCHEMA cellchain_system;

CREATE TABLE training_clock (
  -- Exactly one row.
  id            boolean PRIMARY KEY DEFAULT true CHECK (id),
  -- The total offset, microseconds; only ever grows.
  offset_us     bigint NOT NULL DEFAULT 0 CHECK (offset_us >= 0),
  -- The latest advance: the server's time before and after it (null until
  -- the first).
  advanced_from timestamptz,
  advanced_to   timestamptz,
  CHECK ((advanced_from IS NULL) = (advanced_to IS NULL))
);
INSERT INTO training_clock (id) VALUES (true);

-- The clock never goes back: a lower offset is refused even by SQL.
CREATE FUNCTION training_clock_forward_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.offset_us < OLD.offset_us THEN
    RAISE EXCEPTION 'the training clock only moves forward (% < %)',
      NEW.offset_us, OLD.offset_us USING ERRCODE = 'check_violation',
      CONSTRAINT = 'training_clock_forward_only';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER training_clock_forward_only BEFORE UPDATE ON training_clock
  FOR EACH ROW EXECUTE FUNCTION training_clock_forward_only();

GRANT USAGE ON SCHEMA cellchain_system TO cellchain_system, cellchain_audit;
GRANT SELECT, UPDATE ON training_clock TO cellchain_system;
-- The audit service's state reader compares the row with the latest
-- "training_clock.advance" record's after_state.
GRANT SELECT ON training_clock TO cellchain_audit;
