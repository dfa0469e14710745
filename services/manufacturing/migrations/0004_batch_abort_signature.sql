-- Aborting a batch is QA's e-signature (issue 28): the batch keeps who
-- signed the abort, their printed name as the signature showed it, and
-- when. Batches aborted before this migration have none (NULL).
ALTER TABLE batches
  ADD COLUMN aborted_by text,
  ADD COLUMN aborted_by_name text,
  ADD COLUMN aborted_at timestamptz,
  ADD CONSTRAINT batches_abort_signed CHECK (
    (aborted_by IS NULL) = (aborted_at IS NULL)
    AND (aborted_by IS NULL OR state = 3));
