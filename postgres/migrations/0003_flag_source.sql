-- Who carried the calls that raised a flag: the customer account and the
-- trunk on the flagged caller's records ('' when they name none), which
-- GET /v1/stats/sources rolls flags up by, for the month they were raised.
ALTER TABLE flags ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE flags ADD COLUMN trunk TEXT NOT NULL DEFAULT '';
CREATE INDEX flags_flagged_at ON flags (flagged_at);
