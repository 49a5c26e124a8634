-- Alias numbers the operator controls; a number is never reissued.
CREATE TABLE alias_pool (
	number       TEXT PRIMARY KEY,
	added_at     INTEGER NOT NULL,
	available_at INTEGER NOT NULL,
	null_alias   INTEGER NOT NULL DEFAULT 0,
	state        TEXT    NOT NULL DEFAULT 'pool',
	calls        INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE alias_bindings (
	alias            TEXT PRIMARY KEY REFERENCES alias_pool (number),
	subscriber       TEXT    NOT NULL,
	merchant         TEXT    NOT NULL,
	merchant_numbers TEXT    NOT NULL, -- JSON array
	block_strangers  INTEGER NOT NULL DEFAULT 0,
	created_at       INTEGER NOT NULL,
	ledger_index     INTEGER NOT NULL DEFAULT -1
) WITHOUT ROWID;
CREATE INDEX alias_bindings_subscriber ON alias_bindings (subscriber);

CREATE TABLE alias_events (
	id           INTEGER PRIMARY KEY,
	at           INTEGER NOT NULL,
	alias        TEXT    NOT NULL,
	caller       TEXT    NOT NULL,
	outcome      TEXT    NOT NULL,
	merchant     TEXT    NOT NULL DEFAULT '',
	subscriber   TEXT    NOT NULL DEFAULT '',
	duration_s   REAL    NOT NULL DEFAULT 0,
	answered     INTEGER NOT NULL DEFAULT 0,
	ledger_index INTEGER NOT NULL DEFAULT -1
);
CREATE INDEX alias_events_alias ON alias_events (alias);
