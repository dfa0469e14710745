-- Who may put what into the ledger (issue 23; docs/services/audit.md,
-- "Threat model").
--
-- 1. Record-signing keys are registered by the database owner from the
--    keyring QA holds (`cellchaind migrate --keyring=FILE`), never by a
--    service: a service role that could insert a key could sign anything
--    with a key of its own. Verification and the sequencer trust a key only
--    if that keyring lists it; these grants are defence in depth.
-- 2. A service role may insert only records of its own service, naming a
--    key registered for that service. The role of service S is a member of
--    cellchain_S (cellchain_custody for custody, ...). So the custody role
--    cannot insert a record that claims to be donor's or qc's, even with
--    SET ROLE by an insider; whether the signature is real is checked by the
--    sequencer against the keyring before a record enters the log.
-- 3. Records that the sequencer refuses (a signature that does not verify
--    with a trusted key, a leaf hash that is not the record's) are kept in
--    refused_records with the reason, outside the log, for QA to see.
-- A superuser bypasses all of this (and can disable triggers with
-- session_replication_role = replica): against the database's owner, the
-- signatures, the keyring and checkpoints kept outside the database are what
-- make tampering visible, never these rules.

REVOKE INSERT ON signing_keys FROM cellchain_service;

ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_key_id_form
  CHECK (key_id ~ '^[a-z][a-z0-9_]*:[0-9a-f]{16}$'
         AND split_part(key_id, ':', 1) = service);

CREATE FUNCTION records_insert_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A superuser could drop this trigger anyway: the guard is for the
  -- service roles (and whoever borrows one with SET ROLE).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    RETURN NEW;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles
                 WHERE rolname = 'cellchain_' || NEW.service
                   AND pg_has_role(current_user, oid, 'MEMBER')) THEN
    RAISE EXCEPTION 'role % may not insert records of service %',
        current_user, NEW.service
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- A key id that is not registered at all is left to records_key_id_fkey.
  IF EXISTS (SELECT FROM cellchain_audit.signing_keys
             WHERE key_id = NEW.key_id AND service <> NEW.service) THEN
    RAISE EXCEPTION 'key % is not a registered key of service %',
        NEW.key_id, NEW.service
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER records_insert_guard BEFORE INSERT ON records
  FOR EACH ROW EXECUTE FUNCTION records_insert_guard();

CREATE TABLE refused_records (
  record_id  text PRIMARY KEY REFERENCES records (record_id),
  reason     text NOT NULL,
  refused_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER refused_records_append_only BEFORE UPDATE OR DELETE
  ON refused_records FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER refused_records_no_truncate BEFORE TRUNCATE ON refused_records
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

GRANT SELECT ON refused_records TO cellchain_service;
GRANT INSERT ON refused_records TO cellchain_audit;
-- The sequencer reads what it checks: the records' bytes and signatures.
GRANT SELECT ON signing_keys, records TO cellchain_audit;
