-- ringfence's schema on PostgreSQL: the tables of the SQLite store
-- (sqlite/migrations 0001–0009) as they stand after all of them. Times are
-- unix milliseconds (BIGINT), as there, so that both stores hold the same
-- values. A later change of the SQLite schema comes here as the next
-- numbered file.

-- Crowd reports: one current report per (number, reporter).
CREATE TABLE reports (
	number      TEXT             NOT NULL,
	reporter    TEXT             NOT NULL,
	category    TEXT             NOT NULL,
	source      TEXT             NOT NULL,
	reported_at BIGINT           NOT NULL,
	received_at BIGINT           NOT NULL,
	called_at   BIGINT           NOT NULL DEFAULT 0,
	note        TEXT             NOT NULL DEFAULT '',
	weight      DOUBLE PRECISION NOT NULL,
	ref_weight  DOUBLE PRECISION NOT NULL, -- weight in the reference frame
	cleared     BOOLEAN          NOT NULL DEFAULT FALSE,
	complaints  INTEGER          NOT NULL DEFAULT 1,
	PRIMARY KEY (number, reporter)
);

-- Per-(number, category) tallies of current, uncleared reports.
CREATE TABLE tallies (
	number    TEXT             NOT NULL,
	category  TEXT             NOT NULL,
	reporters INTEGER          NOT NULL,
	weight    DOUBLE PRECISION NOT NULL,
	PRIMARY KEY (number, category)
);

-- Every report as received, for statistics.
CREATE TABLE report_events (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	number      TEXT   NOT NULL,
	category    TEXT   NOT NULL,
	source      TEXT   NOT NULL,
	received_at BIGINT NOT NULL
);
CREATE INDEX report_events_received ON report_events (received_at);

CREATE TABLE reporters (
	id        TEXT    PRIMARY KEY,
	reports   INTEGER NOT NULL DEFAULT 0,
	agreed    INTEGER NOT NULL DEFAULT 0,
	disagreed INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE rules (
	subscriber TEXT PRIMARY KEY,
	doc        TEXT NOT NULL -- JSON
);

CREATE TABLE businesses (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	pattern    TEXT   NOT NULL UNIQUE,
	name       TEXT   NOT NULL,
	added_by   TEXT   NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE appeals (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	number     TEXT   NOT NULL,
	business   TEXT   NOT NULL,
	contact    TEXT   NOT NULL DEFAULT '',
	reason     TEXT   NOT NULL,
	status     TEXT   NOT NULL,
	filed_by   TEXT   NOT NULL,
	decided_by TEXT   NOT NULL DEFAULT '',
	decision   TEXT   NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	decided_at BIGINT NOT NULL DEFAULT 0
);

-- A revoked key (revoked_at > 0) no longer authenticates; its row stays
-- for the audit trail.
CREATE TABLE api_keys (
	id          TEXT   PRIMARY KEY,
	secret_hash BYTEA  NOT NULL UNIQUE,
	role        TEXT   NOT NULL,
	subscriber  TEXT   NOT NULL DEFAULT '',
	org         TEXT   NOT NULL DEFAULT '',
	created_at  BIGINT NOT NULL,
	revoked_at  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE audit (
	id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at     BIGINT NOT NULL,
	actor  TEXT   NOT NULL,
	action TEXT   NOT NULL,
	target TEXT   NOT NULL,
	detail TEXT   NOT NULL DEFAULT ''
);

CREATE TABLE flags (
	number     TEXT             NOT NULL,
	kind       TEXT             NOT NULL,
	score      DOUBLE PRECISION NOT NULL,
	flagged_at BIGINT           NOT NULL,
	reasons    TEXT             NOT NULL, -- JSON array
	campaign   TEXT             NOT NULL DEFAULT '',
	PRIMARY KEY (number, kind)
);

-- Screened calls, kept for statistics and the policy simulator; pruned by
-- retention.
CREATE TABLE call_events (
	id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at       BIGINT           NOT NULL,
	caller   TEXT             NOT NULL,
	callee   TEXT             NOT NULL,
	action   TEXT             NOT NULL,
	category TEXT             NOT NULL DEFAULT '',
	score    DOUBLE PRECISION NOT NULL,
	reasons  TEXT             NOT NULL, -- JSON array
	source   TEXT             NOT NULL DEFAULT ''
);
CREATE INDEX call_events_at ON call_events (at);

-- Alias numbers the operator controls; a number is never reissued.
CREATE TABLE alias_pool (
	number       TEXT    PRIMARY KEY,
	added_at     BIGINT  NOT NULL,
	available_at BIGINT  NOT NULL,
	null_alias   BOOLEAN NOT NULL DEFAULT FALSE,
	state        TEXT    NOT NULL DEFAULT 'pool',
	calls        INTEGER NOT NULL DEFAULT 0
);

-- A bound pool number is a subscriber's alias for a merchant, or a canary
-- planted in one organisation's export.
CREATE TABLE alias_bindings (
	alias            TEXT    PRIMARY KEY REFERENCES alias_pool (number),
	subscriber       TEXT    NOT NULL,
	merchant         TEXT    NOT NULL,
	merchant_numbers TEXT    NOT NULL, -- JSON array
	block_strangers  BOOLEAN NOT NULL DEFAULT FALSE,
	created_at       BIGINT  NOT NULL,
	ledger_index     BIGINT  NOT NULL DEFAULT -1,
	purpose          TEXT    NOT NULL DEFAULT 'alias',
	export_id        TEXT    NOT NULL DEFAULT '',
	org              TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX alias_bindings_subscriber ON alias_bindings (subscriber);

CREATE TABLE alias_events (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at           BIGINT           NOT NULL,
	alias        TEXT             NOT NULL,
	caller       TEXT             NOT NULL,
	outcome      TEXT             NOT NULL,
	merchant     TEXT             NOT NULL DEFAULT '',
	subscriber   TEXT             NOT NULL DEFAULT '',
	duration_s   DOUBLE PRECISION NOT NULL DEFAULT 0,
	answered     BOOLEAN          NOT NULL DEFAULT FALSE,
	ledger_index BIGINT           NOT NULL DEFAULT -1,
	sequential   BOOLEAN          NOT NULL DEFAULT FALSE
);
CREATE INDEX alias_events_alias ON alias_events (alias);
CREATE INDEX alias_events_unrecorded ON alias_events (ledger_index) WHERE ledger_index < 0 AND outcome = 'stranger';

-- The event log: every change other nodes must see, written in the same
-- transaction as the change. position orders them; body is the event as
-- JSON. event_head holds the last position handed out: a transaction
-- appends its events last, just before it commits, by taking event_head's
-- row lock (UPDATE … RETURNING), so appenders run one at a time, positions
-- are gapless and in commit order, and a reader never sees position n+1
-- before n is committed.
CREATE TABLE events (
	position BIGINT PRIMARY KEY,
	type     TEXT   NOT NULL,
	body     TEXT   NOT NULL,
	at       BIGINT NOT NULL
);
CREATE INDEX events_at ON events (at);

CREATE TABLE event_head (
	one      BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
	position BIGINT  NOT NULL
);
INSERT INTO event_head (position) VALUES (0);
