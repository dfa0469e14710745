-- Which enum each code column holds (docs/decisions/0014-sql-and-enums.md).
-- A smallint code column stores the proto enum's number (0, UNSPECIFIED, is
-- never stored); its CHECK spans the enum's numbers and grows with it in a
-- new migration. enum_columns_pg_test holds every such comment to its enum.
COMMENT ON COLUMN locations.kind IS 'enum cellchain.custody.v1.LocationKind';
COMMENT ON COLUMN locations.parent_kind IS
  'enum cellchain.custody.v1.LocationKind';
COMMENT ON COLUMN items.type IS 'enum cellchain.custody.v1.ItemType';
COMMENT ON COLUMN item_links.kind IS
  'enum cellchain.custody.v1.DerivationKind';
COMMENT ON COLUMN temperature_limits.item_type IS
  'enum cellchain.custody.v1.ItemType';
-- The two text state columns that predate the convention (the decision
-- record says why they stay text).
COMMENT ON COLUMN items.state IS
  'text: cellchain.custody.v1.ItemState without its ITEM_STATE_ prefix, lower case; ON_HOLD is the on_hold flag';
COMMENT ON COLUMN handoffs.status IS
  'text: OPEN, ACCEPTED or CANCELLED (cellchain.custody.v1.Handoff.status)';
