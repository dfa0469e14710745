-- The system service's login role. It owns no tables: it only proves that a
-- service can connect as its own role and reach the shared idempotency table
-- through the cellchain_service group.
-- Roles are cluster-wide: another database of the cluster may have made it.
DO $$
BEGIN
  CREATE ROLE cellchain_system LOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;
GRANT cellchain_service TO cellchain_system;
