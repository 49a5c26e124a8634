package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// output is a file that is written in full or not at all. A regular file
// (or a new name) is written beside its name, owner-only, and renamed into
// place by commit, so a failed or interrupted run never leaves half a file
// under the name. A symbolic link is followed: the file it ends at is the
// one replaced (or created, when the link dangles), never the link itself.
// Anything else — a device such as /dev/null, a pipe, a name under /dev
// such as /dev/stdout — is written directly and never replaced.
type output struct {
	*os.File
	name   string // the file renamed onto: name, or where its links end
	given  string // the name the user gave, which errors name
	direct bool
	done   bool
}

// maxLinks bounds the symbolic links followed to an output's file.
const maxLinks = 40

// resolveOutput says how to write the output called name: directly to
// name (a device, a pipe, anything under /dev), or by renaming a file
// written beside path, where path is name with its symbolic links
// followed, and is a regular file or nothing yet.
func resolveOutput(name string) (path string, direct bool, err error) {
	if abs, err := filepath.Abs(name); err == nil && strings.HasPrefix(abs, "/dev/") {
		if fi, err := os.Stat(name); err == nil && fi.IsDir() {
			return "", false, fmt.Errorf("%s is a directory", name)
		}
		return name, true, nil
	}
	fi, err := os.Stat(name)
	switch {
	case err == nil && fi.IsDir():
		return "", false, fmt.Errorf("%s is a directory", name)
	case err == nil && !fi.Mode().IsRegular():
		return name, true, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return "", false, err
	}
	// A regular file, or nothing (perhaps a link to nothing): follow
	// the links to the name to replace or create.
	path = name
	for i := 0; ; i++ {
		li, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, false, nil
		} else if err != nil {
			return "", false, err
		}
		if li.Mode()&fs.ModeSymlink == 0 {
			if !li.Mode().IsRegular() {
				return "", false, fmt.Errorf("%s is not a regular file", path)
			}
			return path, false, nil
		}
		if i == maxLinks {
			return "", false, fmt.Errorf("%s: too many levels of symbolic links", name)
		}
		target, err := os.Readlink(path)
		if err != nil {
			return "", false, err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
}

// createOutput opens name for writing. Its errors name name, the path the
// user gave (and where its links lead), never the temporary file beside it.
func createOutput(name string) (*output, error) {
	path, direct, err := resolveOutput(name)
	if err != nil {
		return nil, outputError(name, "", err)
	}
	if direct {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, outputError(name, path, err)
		}
		return &output{File: f, name: path, given: name, direct: true}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, outputError(name, path, err)
	}
	return &output{File: f, name: path, given: name}, nil
}

// outputError says err happened writing the output the user called
// given, which leads to path: the name inside err (that of the temporary
// file, or of a link on the way) is replaced by given.
func outputError(given, path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	where := given
	if path != "" && path != given {
		where = fmt.Sprintf("%s (leads to %s)", given, path)
	}
	if strings.Contains(err.Error(), given) {
		return err
	}
	return fmt.Errorf("%s: %w", where, err)
}

// renameOnto renames src onto dst, which must be a regular file or
// nothing: a link, a device or a pipe put there meanwhile is not replaced.
func renameOnto(src, dst string) error {
	if fi, err := os.Lstat(dst); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is no longer a regular file; not replaced", dst)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Rename(src, dst)
}

// commit puts the written file in place.
func (o *output) commit() error {
	o.done = true
	if err := o.File.Close(); err != nil {
		if !o.direct {
			os.Remove(o.File.Name())
		}
		return outputError(o.given, o.name, err)
	}
	if o.direct {
		return nil
	}
	if err := renameOnto(o.File.Name(), o.name); err != nil {
		os.Remove(o.File.Name())
		return outputError(o.given, o.name, err)
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
