package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// output is a file that is written in full or not at all. A regular file
// (or a new name) is written beside its name, owner-only, and renamed into
// place by commit, so a failed or interrupted run never leaves half a file
// under the name. Anything else — a device such as /dev/null, a pipe — is
// written directly and never replaced.
type output struct {
	*os.File
	name   string
	direct bool
	done   bool
}

// createOutput opens name for writing.
func createOutput(name string) (*output, error) {
	if fi, err := os.Stat(name); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return nil, fmt.Errorf("%s is a directory", name)
		}
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &output{File: f, name: name, direct: true}, nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return nil, err
	}
	return &output{File: f, name: name}, nil
}

// commit puts the written file in place.
func (o *output) commit() error {
	o.done = true
	if err := o.File.Close(); err != nil {
		if !o.direct {
			os.Remove(o.File.Name())
		}
		return err
	}
	if o.direct {
		return nil
	}
	if err := os.Rename(o.File.Name(), o.name); err != nil {
		os.Remove(o.File.Name())
		return err
	}
	return nil
}

// abort discards what was written; after commit it does nothing.
func (o *output) abort() {
	if o.done {
		return
	}
	o.done = true
	o.File.Close()
	if !o.direct {
		os.Remove(o.File.Name())
	}
}
