-- One cord, one batch (issue 28): a donor lot that went into a batch is not
-- available for another, unless that batch was aborted (state 3,
-- BATCH_STATE_ABORTED). StartBatch checks first and names the batch; this
-- index decides between two concurrent starts.
CREATE UNIQUE INDEX batches_one_per_donor_lot ON batches (donor_lot_id)
  WHERE state <> 3;
