-- Which enum each code column holds (docs/decisions/0014-sql-and-enums.md):
-- the proto enum's number, 0 (UNSPECIFIED) never stored; the CHECK spans
-- the enum's numbers. enum_columns_pg_test holds each comment to its enum.
COMMENT ON COLUMN materials.kind IS
  'enum cellchain.manufacturing.v1.MaterialKind';
COMMENT ON COLUMN materials.status IS
  'enum cellchain.manufacturing.v1.MaterialStatus';
COMMENT ON COLUMN equipment.kind IS
  'enum cellchain.manufacturing.v1.EquipmentKind';
COMMENT ON COLUMN equipment.status IS
  'enum cellchain.manufacturing.v1.EquipmentStatus';
COMMENT ON COLUMN batches.state IS
  'enum cellchain.manufacturing.v1.BatchState';
COMMENT ON COLUMN steps.kind IS 'enum cellchain.manufacturing.v1.StepKind';
COMMENT ON COLUMN steps.status IS 'enum cellchain.manufacturing.v1.StepStatus';
COMMENT ON COLUMN step_items.role IS
  'code: 1 vessel, 2 vial, 3 product lot (no proto enum: never on the wire)';
COMMENT ON COLUMN deviations.classification IS
  'enum cellchain.manufacturing.v1.DeviationClass';
COMMENT ON COLUMN deviations.status IS
  'enum cellchain.manufacturing.v1.DeviationStatus';
