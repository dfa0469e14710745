-- Which enum each code column holds (docs/decisions/0014-sql-and-enums.md):
-- the proto enum's numbers, 0 (UNSPECIFIED) never stored.
-- enum_columns_pg_test holds each comment to its enum.
COMMENT ON COLUMN users.roles IS 'enum[] cellchain.common.v1.Role';
