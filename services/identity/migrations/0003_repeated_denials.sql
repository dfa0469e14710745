-- Repeated identical denials are counted in one record per window instead of
-- one record each (issue 23: 1,000 calls with a garbage token wrote 1,000
-- signed records in 1.4 s). A row with repeated_count stands for that many
-- refusals, identical to first_denial_id's, in [window_started_at,
-- window_ended_at); denied_at is the last of them. A row of one refusal has
-- all four NULL.
ALTER TABLE access_denials
  ADD COLUMN repeated_count integer CHECK (repeated_count > 0),
  ADD COLUMN window_started_at timestamptz,
  ADD COLUMN window_ended_at timestamptz,
  ADD COLUMN first_denial_id text REFERENCES access_denials (denial_id),
  ADD CONSTRAINT access_denials_repeat_complete CHECK (
    (repeated_count IS NULL) = (window_started_at IS NULL)
    AND (repeated_count IS NULL) = (window_ended_at IS NULL)
    AND (repeated_count IS NULL) = (first_denial_id IS NULL)
    AND (window_ended_at IS NULL OR window_ended_at >= window_started_at));
