package main

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// An output that is not a regular file (a device such as /dev/null, a
// pipe) is written in place, never replaced by a renamed file.
func TestOutputKeepsSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "out.pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no fifos here:", err)
	}
	got := make(chan []byte)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- b
	}()
	code, _, stderr := runCLI(t, "姓名,手机\n李四,13912345678\n", "deid", "--format", "csv", "--out", fifo, "--summary", "none")
	if code != exitOK {
		t.Fatalf("deid to a pipe: exit %d: %s", code, stderr)
	}
	fi, err := os.Lstat(fifo)
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the pipe was replaced: %v %v", fi.Mode(), err)
	}
	if b := <-got; len(b) == 0 {
		t.Errorf("nothing read from the pipe")
	}
}

// A regular output appears whole or not at all, owner-only.
func TestOutputCommitAbort(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "a.csv")
	o, err := createOutput(name)
	if err != nil {
		t.Fatal(err)
	}
	o.WriteString("half")
	if _, err := os.Stat(name); err == nil {
		t.Fatal("output visible before commit")
	}
	o.abort()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("abort left %v", ents)
	}
	o, _ = createOutput(name)
	o.WriteString("whole")
	if err := o.commit(); err != nil {
		t.Fatal(err)
	}
	o.abort()
	if b, err := os.ReadFile(name); err != nil || string(b) != "whole" {
		t.Fatalf("after commit: %q %v", b, err)
	}
	if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}
