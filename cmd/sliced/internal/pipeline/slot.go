package pipeline

import (
	"context"
	"sync"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
)

// slot holds the newest frame not yet taken.
type slot struct {
	mu    sync.Mutex
	f     source.Frame
	full  bool
	shut  bool // no more frames will come
	ready chan struct{}
	taken chan struct{}
}

func newSlot() *slot { return &slot{ready: make(chan struct{}, 1), taken: make(chan struct{}, 1)} }

// put stores f and reports whether it replaced a frame never taken.
func (s *slot) put(f source.Frame) (dropped bool) {
	s.mu.Lock()
	dropped, s.f, s.full = s.full, f, true
	s.mu.Unlock()
	select {
	case s.ready <- struct{}{}:
	default:
	}
	return dropped
}

// putWait stores f once the slot is empty: a file source waits for the
// worker instead of decoding frames that would be dropped.
func (s *slot) putWait(ctx context.Context, f source.Frame) {
	for {
		s.mu.Lock()
		if !s.full {
			s.mu.Unlock()
			s.put(f)
			return
		}
		s.mu.Unlock()
		select {
		case <-s.taken:
		case <-ctx.Done():
			return
		}
	}
}

// close lets take return once the slot is empty.
func (s *slot) close() {
	s.mu.Lock()
	s.shut = true
	s.mu.Unlock()
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// take waits for a frame or the end of ctx.
func (s *slot) take(ctx context.Context) (source.Frame, bool) {
	for {
		s.mu.Lock()
		if s.full {
			f := s.f
			s.f, s.full = source.Frame{}, false
			s.mu.Unlock()
			select {
			case s.taken <- struct{}{}:
			default:
			}
			return f, true
		}
		shut := s.shut
		s.mu.Unlock()
		if shut {
			return source.Frame{}, false
		}
		select {
		case <-ctx.Done():
			return source.Frame{}, false
		case <-s.ready:
		}
	}
}
