-- The 5-day safety observation after an infusion: one row per recorded
-- observation (a day's ECG, labs, echo, ...), its structured entries in
-- order (design brief §4.7; docs/services/clinical.md).

CREATE TABLE observations (
  observation_id  text PRIMARY KEY,
  infusion_id     text NOT NULL REFERENCES infusions,
  subject_id      text NOT NULL,
  day             integer NOT NULL CHECK (day BETWEEN 1 AND 5),
  observed_at     timestamptz NOT NULL,
  recorded_by     text NOT NULL,
  recorded_at     timestamptz NOT NULL
);
CREATE INDEX observations_by_infusion ON observations (infusion_id, day,
  observed_at);

-- One finding per row; `finding` is the number of ObservationEntry's
-- oneof field the row holds, and only that finding's columns are set.
CREATE TABLE observation_entries (
  observation_id          text NOT NULL REFERENCES observations,
  position                integer NOT NULL CHECK (position >= 1),
  finding                 integer NOT NULL CHECK (finding BETWEEN 1 AND 6),
  st_deviation_mm         double precision,
  leads                   text,
  arrhythmia_type         smallint CHECK (arrhythmia_type BETWEEN 1 AND 4),
  episodes                integer,
  ischemic_event_type     smallint CHECK (ischemic_event_type BETWEEN 1 AND 4),
  description             text,
  analyte                 text,
  value                   double precision,
  unit                    text,
  local_hypokinesia       boolean,
  segment                 text,
  icu_hours               double precision,
  PRIMARY KEY (observation_id, position)
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['observations', 'observation_entries'] LOOP
    EXECUTE format('CREATE TRIGGER %I_kept BEFORE DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION refuse_change()', t, t);
    EXECUTE format('CREATE TRIGGER %I_no_truncate BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()', t, t);
    EXECUTE format('CREATE TRIGGER %I_unchanged BEFORE UPDATE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION refuse_change()', t, t);
  END LOOP;
END
$$;

COMMENT ON COLUMN observation_entries.finding IS
  'not an enum: the field number of cellchain.clinical.v1.ObservationEntry''s '
  'oneof finding (1 ecg, 2 arrhythmia, 3 ischemic_event, 4 lab, 5 echo, '
  '6 icu_stay)';
COMMENT ON COLUMN observation_entries.arrhythmia_type IS
  'enum cellchain.clinical.v1.ArrhythmiaType';
COMMENT ON COLUMN observation_entries.ischemic_event_type IS
  'enum cellchain.clinical.v1.IschemicEventType';

GRANT SELECT, INSERT ON observations, observation_entries
  TO cellchain_clinical;
GRANT SELECT ON observations, observation_entries TO cellchain_audit;
