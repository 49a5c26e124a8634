-- A revoked key no longer authenticates; its row stays for the audit trail.
ALTER TABLE api_keys ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;
