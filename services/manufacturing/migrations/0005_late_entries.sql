-- Contemporaneous records (issue 28): an entry made more than the
-- late-entry window after the time it says a step was performed keeps the
-- reason it was entered late, on the step (its current revision) and on the
-- revision itself. '' : entered in time (and every entry made before this
-- migration, when no window was checked).
ALTER TABLE steps ADD COLUMN late_entry_reason text NOT NULL DEFAULT '';
ALTER TABLE step_revisions
  ADD COLUMN late_entry_reason text NOT NULL DEFAULT '';
