-- Unused product (DisposeUnusedDose): a dose never infused goes back to the
-- pharmacy through a custody handoff, whose id is kept here, or is
-- destroyed with a witness (disposed_by, disposal_witness, disposed_at,
-- disposal_reason of 0002).
ALTER TABLE infusions ADD COLUMN return_handoff_id text;
