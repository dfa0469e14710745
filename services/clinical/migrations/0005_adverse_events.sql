-- Adverse events of infused patients (ReportAdverseEvent) and the lookback
-- a serious one produces, recorded with it in the reporting transaction
-- (design brief §4.7; docs/services/clinical.md, "Adverse events and the
-- lookback"). An event and its lookback are never changed: a follow-up is
-- a new report.

CREATE TABLE adverse_events (
  adverse_event_id  text PRIMARY KEY,
  infusion_id       text NOT NULL REFERENCES infusions,
  subject_id        text NOT NULL,
  lot_id            text NOT NULL,
  term              text NOT NULL CHECK (length(term) BETWEEN 1 AND 200),
  onset_at          timestamptz NOT NULL,
  seriousness       smallint NOT NULL CHECK (seriousness BETWEEN 1 AND 2),
  severity          smallint NOT NULL CHECK (severity BETWEEN 1 AND 3),
  relatedness       smallint NOT NULL CHECK (relatedness BETWEEN 1 AND 5),
  outcome           smallint NOT NULL CHECK (outcome BETWEEN 1 AND 6),
  description       text NOT NULL DEFAULT ''
                    CHECK (length(description) <= 4000),
  reported_by       text NOT NULL,
  reported_at       timestamptz NOT NULL,
  -- Every serious event (SERIOUSNESS_SERIOUS = 2) looks back, and only a
  -- serious one; a lookback that found no one is done with no patients.
  lookback_done     boolean NOT NULL,
  CONSTRAINT adverse_events_serious_looks_back
    CHECK (lookback_done = (seriousness = 2))
);
CREATE INDEX adverse_events_by_infusion ON adverse_events (infusion_id,
  onset_at);
CREATE INDEX adverse_events_by_lot ON adverse_events (lot_id);

-- ICH E2A's criteria a serious event meets, in the order reported, each
-- once.
CREATE TABLE adverse_event_criteria (
  adverse_event_id  text NOT NULL REFERENCES adverse_events,
  position          integer NOT NULL CHECK (position >= 1),
  criterion         smallint NOT NULL CHECK (criterion BETWEEN 1 AND 6),
  PRIMARY KEY (adverse_event_id, position),
  UNIQUE (adverse_event_id, criterion)
);

-- The other patients a serious event's lookback found: one row per dose,
-- in the lookback's order (subject id, then dose id); the donor lot they
-- share with the index lot when that links them.
CREATE TABLE lookback_patients (
  adverse_event_id  text NOT NULL REFERENCES adverse_events,
  position          integer NOT NULL CHECK (position >= 1),
  subject_id        text NOT NULL,
  dose_id           text NOT NULL,
  lot_id            text NOT NULL,
  donor_lot_id      text,
  PRIMARY KEY (adverse_event_id, position),
  UNIQUE (adverse_event_id, dose_id)
);
CREATE INDEX lookback_patients_by_subject ON lookback_patients (subject_id);

-- How the lookback reached each of them (one row per link) ...
CREATE TABLE lookback_links (
  adverse_event_id  text NOT NULL,
  position          integer NOT NULL,
  link              smallint NOT NULL CHECK (link BETWEEN 1 AND 3),
  PRIMARY KEY (adverse_event_id, position, link),
  FOREIGN KEY (adverse_event_id, position) REFERENCES lookback_patients
);

-- ... and the reagent lots (custody item ids) a SHARED_REAGENT link
-- shares.
CREATE TABLE lookback_reagent_lots (
  adverse_event_id  text NOT NULL,
  position          integer NOT NULL,
  reagent_lot_id    text NOT NULL,
  PRIMARY KEY (adverse_event_id, position, reagent_lot_id),
  FOREIGN KEY (adverse_event_id, position) REFERENCES lookback_patients
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['adverse_events', 'adverse_event_criteria',
                           'lookback_patients', 'lookback_links',
                           'lookback_reagent_lots'] LOOP
    EXECUTE format('CREATE TRIGGER %I_kept BEFORE DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION refuse_change()', t, t);
    EXECUTE format('CREATE TRIGGER %I_no_truncate BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()', t, t);
    EXECUTE format('CREATE TRIGGER %I_unchanged BEFORE UPDATE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION refuse_change()', t, t);
  END LOOP;
END
$$;

COMMENT ON COLUMN adverse_events.seriousness IS
  'enum cellchain.clinical.v1.Seriousness';
COMMENT ON COLUMN adverse_events.severity IS
  'enum cellchain.clinical.v1.Severity';
COMMENT ON COLUMN adverse_events.relatedness IS
  'enum cellchain.clinical.v1.Relatedness';
COMMENT ON COLUMN adverse_events.outcome IS
  'enum cellchain.clinical.v1.Outcome';
COMMENT ON COLUMN adverse_event_criteria.criterion IS
  'enum cellchain.clinical.v1.SeriousnessCriterion';
COMMENT ON COLUMN lookback_links.link IS
  'enum cellchain.clinical.v1.LookbackLink';

GRANT SELECT, INSERT ON adverse_events, adverse_event_criteria,
  lookback_patients, lookback_links, lookback_reagent_lots
  TO cellchain_clinical;
GRANT SELECT ON adverse_events, adverse_event_criteria, lookback_patients,
  lookback_links, lookback_reagent_lots TO cellchain_audit;
