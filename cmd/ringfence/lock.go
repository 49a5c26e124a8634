package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"ringfence"
	"ringfence/engine"
)

// lockName is the lock a data directory's server holds: ringfence serve
// keeps the indexes in memory, so while it runs the commands that write
// must go through its API instead, or the server would answer from stale
// state.
const lockName = "serve.lock"

// lockData takes the data directory's lock: exclusive for the server,
// shared for commands that write. It fails at once when the other kind
// holds it.
func lockData(dir string, exclusive bool) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open data directory %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if exclusive {
			return nil, ringfence.Errorf(ringfence.ECONFLICT, "%s is in use: another ringfence serve runs on it, or a command is writing to it", dir)
		}
		return nil, ringfence.Errorf(ringfence.ECONFLICT, "ringfence serve runs on %s: make this change through its API (or stop it first)", dir)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// noDataError says a command found no data directory where it looked.
type noDataError struct{ path string }

func (e *noDataError) Error() string {
	return fmt.Sprintf("no data directory at %s (run 'ringfence demo' or 'ringfence serve' to create one, or pass --data)", e.path)
}

// requireData checks that dir is a data directory: one holding ringfence's
// database. Only serve, demo, keys create and import make one; any other
// command on a missing one would answer from an empty store and leave it
// behind.
func requireData(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, dbName)); err == nil {
		return nil
	} else if !os.IsNotExist(err) {
		return fmt.Errorf("data directory %s: %w", dir, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return &noDataError{path: abs}
}

// dbName is the database file of a data directory (sqlite.Open's).
const dbName = "ringfence.db"

// openEngineToWrite opens the engine for a command that changes the data
// directory; it refuses while the server runs on it, and when there is no
// data directory.
func (c *cli) openEngineToWrite(dir string) (*engine.Engine, func(), error) {
	if err := requireData(dir); err != nil {
		return nil, nil, err
	}
	return c.createEngineToWrite(dir)
}

// createEngineToWrite is openEngineToWrite for the commands that may create
// the data directory (import, demo).
func (c *cli) createEngineToWrite(dir string) (*engine.Engine, func(), error) {
	release, err := lockData(dir, false)
	if err != nil {
		return nil, nil, err
	}
	e, closeDB, err := c.createEngine(dir)
	if err != nil {
		release()
		return nil, nil, err
	}
	return e, func() { closeDB(); release() }, nil
}

// openEngineFor opens the engine to write when write is set, else to read.
func (c *cli) openEngineFor(dir string, write bool) (*engine.Engine, func(), error) {
	if write {
		return c.openEngineToWrite(dir)
	}
	return c.openEngine(dir)
}
