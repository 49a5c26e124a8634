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

// openEngineToWrite opens the engine for a command that changes the data
// directory; it refuses while the server runs on it.
func (c *cli) openEngineToWrite(dir string) (*engine.Engine, func(), error) {
	release, err := lockData(dir, false)
	if err != nil {
		return nil, nil, err
	}
	e, closeDB, err := c.openEngine(dir)
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
