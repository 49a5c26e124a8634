-- The disclosure ledger of a cluster (postgres.LedgerStorage): entries with
-- the tlog stored hashes each adds, signed checkpoints, the print lists and
-- case files entries commit to, and the public half of the ledger's keys.
-- The signer and fingerprint keys are secrets kept out of the database (the
-- nodes' ledger key file). Entries and checkpoints are append-only.
CREATE TABLE ledger_entries (
    idx    BIGINT PRIMARY KEY CHECK (idx >= 0),
    data   BYTEA NOT NULL,
    hashes BYTEA NOT NULL -- tlog.StoredHashes(idx, data), 32 bytes each
);
CREATE TABLE ledger_checkpoints (
    seq  INTEGER PRIMARY KEY CHECK (seq >= 0),
    note BYTEA NOT NULL
);
CREATE TABLE ledger_prints (
    export_id TEXT PRIMARY KEY,
    data      BYTEA NOT NULL
);
CREATE TABLE ledger_cases (
    id   TEXT PRIMARY KEY,
    data BYTEA NOT NULL
);
CREATE TABLE ledger_keys (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    verifier          TEXT NOT NULL,
    fingerprint_check TEXT NOT NULL
);
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the disclosure ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoints
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
