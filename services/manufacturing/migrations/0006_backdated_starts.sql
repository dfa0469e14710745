-- Retrospective entry (issue 28): a batch's start and a material lot's
-- receipt and release may be entered after the fact with the time they
-- happened; an entry made more than the late-entry window after that time
-- keeps the reason it was entered late, as a step does (schema 0005).
-- '' : entered in time (and every row made before this migration, which
-- took the system's time).
ALTER TABLE batches ADD COLUMN late_entry_reason text NOT NULL DEFAULT '';
ALTER TABLE materials
  ADD COLUMN receipt_late_entry_reason text NOT NULL DEFAULT '',
  ADD COLUMN release_late_entry_reason text NOT NULL DEFAULT '';
