-- The system service's login role. It owns no tables: it only proves that a
-- service can connect as its own role and reach the shared idempotency table
-- through the cellchain_service group.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cellchain_system') THEN
    CREATE ROLE cellchain_system LOGIN IN ROLE cellchain_service;
  END IF;
END
$$;
