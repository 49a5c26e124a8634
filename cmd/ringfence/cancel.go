package main

import (
	"context"
	"io"
)

// ctxReader reads r until ctx is cancelled, then fails with ctx's error,
// even while a read is blocked (on a terminal or a pipe): a command reading
// its input stops on Ctrl-C instead of waiting for more.
type ctxReader struct {
	ctx     context.Context
	r       io.Reader
	buf     []byte
	results chan readResult
	pending bool
}

type readResult struct {
	n   int
	err error
}

func newCtxReader(ctx context.Context, r io.Reader) io.Reader {
	return &ctxReader{ctx: ctx, r: r, results: make(chan readResult, 1)}
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if !c.pending {
		// One read at a time runs behind the scenes into c.buf; a read
		// left behind by a cancellation is abandoned with the command.
		if cap(c.buf) < len(p) {
			c.buf = make([]byte, len(p))
		}
		buf := c.buf[:len(p)]
		c.pending = true
		go func() {
			n, err := c.r.Read(buf)
			c.results <- readResult{n, err}
		}()
	}
	select {
	case <-c.ctx.Done():
		return 0, c.ctx.Err()
	case res := <-c.results:
		c.pending = false
		return copy(p, c.buf[:res.n]), res.err
	}
}

// ctxWriter writes to w until ctx is cancelled, then fails with ctx's
// error, so a long write stops on Ctrl-C.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
