package natslog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"ringfence"
)

// The events stream is a copy of the store's log; the store is the system
// of record. A store restored from a backup is behind the stream (the
// stream holds events the store lost), and once new writes reach the same
// positions the two hold different events there. Such a stream must
// serve no follower: a node would apply events that the store no longer
// has, and the relay's publishes of the store's new events at those
// positions would be taken for duplicates of the lost ones. So followers
// check the stream's last event against the store's before they read the
// stream, and the relay, finding a stream that is not the store's copy,
// makes it again, empty, to start after the store's head: followers read
// the store up to there, then the stream again.

// errStaleStream: the events stream is not a copy of the store's log.
var errStaleStream = errors.New("the events stream is not a copy of the store's log")

// checkCopy reports (with errStaleStream) whether the events stream, whose
// last sequence is last and first first, is not a copy of src: it holds
// more events than src, or its last event is not src's event at that
// position. src's head is read after the stream's state, so a healthy
// stream is never ahead of it. A position src has trimmed cannot be
// compared and passes.
func (l *Log) checkCopy(ctx context.Context, src ringfence.EventLog, first, last uint64) error {
	head, err := src.Head(ctx)
	if err != nil {
		return fmt.Errorf("store head: %w", err)
	}
	if int64(last) > head {
		return fmt.Errorf("%w: it holds %d events, the store's log %d (the store was restored from a backup, or the stream belongs to another store)", errStaleStream, last, head)
	}
	if last == 0 || first > last {
		return nil // nothing to compare
	}
	m, err := l.events.GetMsg(ctx, last)
	if err != nil {
		return fmt.Errorf("stream message %d: %w", last, err)
	}
	var want []byte
	err = src.Read(ctx, int64(last)-1, func(ev ringfence.Event) error {
		b, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		want = b
		return errFound
	})
	switch {
	case ringfence.ErrorCode(err) == ringfence.ECONFLICT:
		return nil // trimmed from the store
	case err != nil && !errors.Is(err, errFound):
		return fmt.Errorf("store event %d: %w", last, err)
	case want == nil:
		return fmt.Errorf("%w: the store has no event %d", errStaleStream, last)
	case !bytes.Equal(want, m.Data):
		return fmt.Errorf("%w: its event %d is not the store's (the store was restored from a backup, or the stream belongs to another store)", errStaleStream, last)
	}
	return nil
}

// remake deletes the events stream and makes it again, empty, with its
// next sequence after the store's head, head. Only the relay does it.
func (l *Log) remake(ctx context.Context, head int64) error {
	if err := l.js.DeleteStream(ctx, l.evCfg.Name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("delete stream %s: %w", l.evCfg.Name, err)
	}
	cfg := l.evCfg
	cfg.FirstSeq = uint64(head) + 1
	// l.events names the stream: it serves the new one as it did the old.
	if _, err := l.js.CreateStream(ctx, cfg); err != nil {
		return fmt.Errorf("make stream %s again: %w", cfg.Name, err)
	}
	return nil
}
