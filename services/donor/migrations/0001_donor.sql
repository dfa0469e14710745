-- Donor intake: birth-mother donors under pseudonymous codes, their
-- consent, screening results, signed eligibility determinations, cord
-- receipts and donor lots with their deviations (design brief §4.1;
-- docs/services/donor.md). Role cellchain_donor owns the changes; each
-- change is audited through the ledger in its transaction.

CREATE SCHEMA cellchain_donor;

DO $$
BEGIN
  CREATE ROLE cellchain_donor LOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;
GRANT cellchain_service TO cellchain_donor;

-- No identifying data here: that is in donor_identifying, which the audit
-- role cannot read. The *_recorded flags say what was given.
CREATE TABLE donors (
  donor_code        text PRIMARY KEY CHECK (donor_code ~ '^DNR-[0-9A-HJKMNP-TV-Z]{10}$'),
  registered_at     timestamptz NOT NULL,
  registered_by     text NOT NULL,
  delivered_at      timestamptz,
  consent_status    smallint NOT NULL DEFAULT 1 CHECK (consent_status BETWEEN 1 AND 3),
  name_recorded     boolean NOT NULL,
  date_of_birth_recorded boolean NOT NULL,
  medical_record_number_recorded boolean NOT NULL,
  revision          bigint NOT NULL DEFAULT 1
);

-- Each value sealed with AES-256-GCM for "donor/<code>/<field>"
-- ("cf1.<key id>.<base64>"); NULL when not given.
CREATE TABLE donor_identifying (
  donor_code            text PRIMARY KEY REFERENCES donors,
  name                  text,
  date_of_birth         text,
  medical_record_number text
);

CREATE TABLE consents (
  consent_id        text PRIMARY KEY,
  donor_code        text NOT NULL REFERENCES donors,
  form_version      text NOT NULL,
  consented_at      timestamptz NOT NULL,
  taken_by          text NOT NULL,
  witness           text NOT NULL,
  recorded_by       text NOT NULL,
  recorded_at       timestamptz NOT NULL,
  withdrawn_at      timestamptz,
  withdrawal_reason text,
  withdrawn_recorded_by text
);
CREATE INDEX consents_by_donor ON consents (donor_code, recorded_at);

CREATE TABLE screenings (
  screening_id      text PRIMARY KEY,
  donor_code        text NOT NULL REFERENCES donors,
  test_code         text NOT NULL,
  method            text NOT NULL,
  kit_lot           text NOT NULL,
  specimen_drawn_at timestamptz NOT NULL,
  result            smallint NOT NULL CHECK (result BETWEEN 1 AND 3),
  recorded_by       text NOT NULL,
  recorded_at       timestamptz NOT NULL
);
CREATE INDEX screenings_by_donor ON screenings (donor_code, recorded_at);

-- reasons: cellchain.donor.v1.Determination's reasons, serialized.
CREATE TABLE determinations (
  determination_id  text PRIMARY KEY,
  donor_code        text NOT NULL REFERENCES donors,
  eligibility       smallint NOT NULL CHECK (eligibility BETWEEN 1 AND 3),
  reasons           bytea NOT NULL,
  donor_revision    bigint NOT NULL,
  determined_by     text NOT NULL,
  determined_at     timestamptz NOT NULL,
  record_id         text
);
CREATE INDEX determinations_by_donor ON determinations (donor_code, determined_at);

CREATE TABLE lots (
  lot_id            text PRIMARY KEY,
  donor_code        text NOT NULL REFERENCES donors,
  din               text NOT NULL UNIQUE CHECK (length(din) = 13),
  din_eye_readable  text NOT NULL,
  item_id           text NOT NULL UNIQUE,
  state             smallint NOT NULL CHECK (state BETWEEN 1 AND 3),
  delivered_at      timestamptz NOT NULL,
  collected_at      timestamptz NOT NULL,
  received_at       timestamptz NOT NULL,
  transport_min_celsius double precision NOT NULL,
  transport_max_celsius double precision NOT NULL,
  tissue_weight_grams double precision NOT NULL CHECK (tissue_weight_grams > 0),
  received_by       text NOT NULL,
  released_by       text,
  released_at       timestamptz,
  discard_reason    text,
  version           bigint NOT NULL DEFAULT 1,
  CHECK (transport_min_celsius <= transport_max_celsius)
);
CREATE INDEX lots_by_receipt ON lots (received_at DESC, lot_id DESC);
CREATE INDEX lots_by_donor ON lots (donor_code);

CREATE TABLE deviations (
  deviation_id      text PRIMARY KEY,
  lot_id            text NOT NULL REFERENCES lots,
  kind              smallint NOT NULL CHECK (kind BETWEEN 1 AND 2),
  description       text NOT NULL,
  status            smallint NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 3),
  assessment        text,
  assessed_by       text,
  assessed_at       timestamptz,
  created_at        timestamptz NOT NULL
);
CREATE INDEX deviations_by_lot ON deviations (lot_id, created_at);

-- The donor record is kept: nothing is deleted (21 CFR 1271.270).
CREATE FUNCTION refuse_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'cellchain_donor.%: % refused (donor records are kept)',
    TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['donors', 'donor_identifying', 'consents',
                           'screenings', 'determinations', 'lots',
                           'deviations'] LOOP
    EXECUTE format('CREATE TRIGGER %I_kept BEFORE DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION refuse_delete()', t, t);
    EXECUTE format('CREATE TRIGGER %I_no_truncate BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete()', t, t);
  END LOOP;
END
$$;

GRANT USAGE ON SCHEMA cellchain_donor TO cellchain_donor, cellchain_audit;
GRANT SELECT, INSERT, UPDATE ON donors, donor_identifying, consents, lots,
  deviations, determinations TO cellchain_donor;
GRANT SELECT, INSERT ON screenings TO cellchain_donor;
-- The audit service reads every table for its state readers except the
-- identifying data, which only the donor service can read.
GRANT SELECT ON donors, consents, screenings, determinations, lots,
  deviations TO cellchain_audit;
