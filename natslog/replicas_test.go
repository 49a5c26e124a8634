package natslog_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ringfence"
	"ringfence/natslog"
	"ringfence/natslog/natstest"
)

// TestOpenKeepsReplicas: a node never changes the replicas of streams
// that exist: one that asks for other replicas is refused with an error
// naming both counts, and the streams keep theirs; one that asks for the
// same opens them.
func TestOpenKeepsReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("a cluster of three servers")
	}
	c := natstest.NewCluster(t, 3)
	open(t, natslog.Config{URLs: c.URLs(), Replicas: 3})
	for _, tt := range []struct {
		replicas int
		want     string // "" when Open succeeds
	}{
		{1, "stream RINGFENCE_EVENTS exists with 3 replicas, this node asks for 1"},
		{2, "stream RINGFENCE_EVENTS exists with 3 replicas, this node asks for 2"},
		{3, ""},
	} {
		octx, cancel := context.WithTimeout(ctx, 30*time.Second)
		l, err := natslog.Open(octx, natslog.Config{URLs: c.URLs(), Replicas: tt.replicas})
		cancel()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("replicas %d: %v", tt.replicas, err)
		case tt.want != "" && err == nil:
			t.Errorf("replicas %d: opened the log, want the error %q", tt.replicas, tt.want)
		case tt.want != "" && (!strings.Contains(err.Error(), tt.want) || ringfence.ErrorCode(err) != ringfence.ECONFLICT || !errors.Is(err, natslog.ErrReplicas)):
			t.Errorf("replicas %d: %v (%s), want ECONFLICT and ErrReplicas %q", tt.replicas, err, ringfence.ErrorCode(err), tt.want)
		}
		if l != nil {
			l.Close()
		}
	}
	nc, err := nats.Connect(c.URLs())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"RINGFENCE_EVENTS", "RINGFENCE_CDR"} {
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if r := s.CachedInfo().Config.Replicas; r != 3 {
			t.Errorf("stream %s has %d replicas after nodes asked for others, want 3", name, r)
		}
	}
}
