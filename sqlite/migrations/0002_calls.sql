-- Screened calls, kept for statistics and the policy simulator; pruned by
-- retention.
CREATE TABLE call_events (
	id       INTEGER PRIMARY KEY,
	at       INTEGER NOT NULL, -- unix ms
	caller   TEXT    NOT NULL,
	callee   TEXT    NOT NULL,
	action   TEXT    NOT NULL,
	category TEXT    NOT NULL DEFAULT '',
	score    REAL    NOT NULL,
	reasons  TEXT    NOT NULL, -- JSON array
	source   TEXT    NOT NULL DEFAULT '' -- sip, api, …
);
CREATE INDEX call_events_at ON call_events (at);
