-- Which enum each code column holds (docs/decisions/0014-sql-and-enums.md):
-- the proto enum's number, 0 (UNSPECIFIED) never stored; the CHECK spans
-- the enum's numbers. enum_columns_pg_test holds each comment to its enum.
COMMENT ON COLUMN donors.consent_status IS
  'enum cellchain.donor.v1.ConsentStatus';
COMMENT ON COLUMN screenings.result IS 'enum cellchain.donor.v1.ScreeningResult';
COMMENT ON COLUMN determinations.eligibility IS
  'enum cellchain.donor.v1.Eligibility';
COMMENT ON COLUMN lots.state IS 'enum cellchain.donor.v1.LotState';
COMMENT ON COLUMN deviations.kind IS 'enum cellchain.donor.v1.DeviationKind';
COMMENT ON COLUMN deviations.status IS
  'enum cellchain.donor.v1.DeviationStatus';
