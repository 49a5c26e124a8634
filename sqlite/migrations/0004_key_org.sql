-- Org keys belong to one data-holding organisation.
ALTER TABLE api_keys ADD COLUMN org TEXT NOT NULL DEFAULT '';
