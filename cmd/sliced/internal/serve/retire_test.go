package serve

import (
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
)

// closeCounter is a backend that counts its closes.
type closeCounter struct {
	backend.Backend
	closed chan struct{}
}

func (c *closeCounter) Close() error { c.closed <- struct{}{}; return nil }

func counted() (*backendSet, chan struct{}) {
	c := &closeCounter{closed: make(chan struct{}, 4)}
	return &backendSet{byName: map[string]backend.Backend{"x": c}}, c.closed
}

// A retired set is closed once: by its timer, or by shutdown if that
// comes first, never by both.
func TestRetiredBackendsCloseOnce(t *testing.T) {
	var r retiredBackends
	early, earlyClosed := counted()
	r.add(early, 10*time.Millisecond)
	select {
	case <-earlyClosed:
	case <-time.After(5 * time.Second):
		t.Fatal("a retired set was not closed after its grace period")
	}
	if r.close(early) {
		t.Error("a set closed by its timer was closed again")
	}

	late, lateClosed := counted()
	r.add(late, time.Hour)
	r.closeAll()
	select {
	case <-lateClosed:
	default:
		t.Fatal("shutdown did not close a set still in its grace period")
	}
	if r.close(late) || len(lateClosed) != 0 {
		t.Error("a set closed at shutdown was closed again")
	}
}
