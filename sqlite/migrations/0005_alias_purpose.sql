-- A bound pool number is a subscriber's alias for a merchant, or a canary
-- planted in one export.
ALTER TABLE alias_bindings ADD COLUMN purpose TEXT NOT NULL DEFAULT 'alias';
ALTER TABLE alias_bindings ADD COLUMN export_id TEXT NOT NULL DEFAULT '';
