-- The event log: every change other nodes must see, written in the same
-- transaction as the change. position orders them; body is the event as
-- JSON.
CREATE TABLE events (
	position INTEGER PRIMARY KEY AUTOINCREMENT,
	type     TEXT NOT NULL,
	body     TEXT NOT NULL,
	at       INTEGER NOT NULL
);
