-- Crowd reports: one current report per (number, reporter).
CREATE TABLE reports (
	number      TEXT    NOT NULL,
	reporter    TEXT    NOT NULL,
	category    TEXT    NOT NULL,
	source      TEXT    NOT NULL,
	reported_at INTEGER NOT NULL, -- unix ms
	received_at INTEGER NOT NULL,
	called_at   INTEGER NOT NULL DEFAULT 0,
	note        TEXT    NOT NULL DEFAULT '',
	weight      REAL    NOT NULL,
	ref_weight  REAL    NOT NULL, -- weight in the reference frame
	cleared     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (number, reporter)
) WITHOUT ROWID;

-- Per-(number, category) tallies of current, uncleared reports.
CREATE TABLE tallies (
	number    TEXT    NOT NULL,
	category  TEXT    NOT NULL,
	reporters INTEGER NOT NULL,
	weight    REAL    NOT NULL,
	PRIMARY KEY (number, category)
) WITHOUT ROWID;

-- Every report as received, for statistics.
CREATE TABLE report_events (
	id          INTEGER PRIMARY KEY,
	number      TEXT    NOT NULL,
	category    TEXT    NOT NULL,
	source      TEXT    NOT NULL,
	received_at INTEGER NOT NULL
);
CREATE INDEX report_events_received ON report_events (received_at);

CREATE TABLE reporters (
	id        TEXT PRIMARY KEY,
	reports   INTEGER NOT NULL DEFAULT 0,
	agreed    INTEGER NOT NULL DEFAULT 0,
	disagreed INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE rules (
	subscriber TEXT PRIMARY KEY,
	doc        TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE businesses (
	id         INTEGER PRIMARY KEY,
	pattern    TEXT    NOT NULL UNIQUE,
	name       TEXT    NOT NULL,
	added_by   TEXT    NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE appeals (
	id         INTEGER PRIMARY KEY,
	number     TEXT    NOT NULL,
	business   TEXT    NOT NULL,
	contact    TEXT    NOT NULL DEFAULT '',
	reason     TEXT    NOT NULL,
	status     TEXT    NOT NULL,
	filed_by   TEXT    NOT NULL,
	decided_by TEXT    NOT NULL DEFAULT '',
	decision   TEXT    NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	decided_at INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE api_keys (
	id          TEXT PRIMARY KEY,
	secret_hash BLOB    NOT NULL UNIQUE,
	role        TEXT    NOT NULL,
	subscriber  TEXT    NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit (
	id     INTEGER PRIMARY KEY,
	at     INTEGER NOT NULL,
	actor  TEXT    NOT NULL,
	action TEXT    NOT NULL,
	target TEXT    NOT NULL,
	detail TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE flags (
	number     TEXT    NOT NULL,
	kind       TEXT    NOT NULL,
	score      REAL    NOT NULL,
	flagged_at INTEGER NOT NULL,
	reasons    TEXT    NOT NULL, -- JSON array
	campaign   TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (number, kind)
) WITHOUT ROWID;
