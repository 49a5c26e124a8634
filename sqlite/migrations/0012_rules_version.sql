-- Rules documents carry a version: a write based on an older one is refused.
ALTER TABLE rules ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
