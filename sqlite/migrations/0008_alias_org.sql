-- The organisation whose export a binding was made for (canary quotas are
-- per organisation), and leak events from callers flagged for sequential
-- dialling, which are recorded but are no evidence of a leak on their own.
ALTER TABLE alias_bindings ADD COLUMN org TEXT NOT NULL DEFAULT '';
ALTER TABLE alias_events ADD COLUMN sequential INTEGER NOT NULL DEFAULT 0;
CREATE INDEX alias_events_unrecorded ON alias_events (ledger_index) WHERE ledger_index < 0 AND outcome = 'stranger';
