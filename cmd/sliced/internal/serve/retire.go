package serve

import (
	"slices"
	"sync"
	"time"
)

// retireGrace is how long backends replaced by a reload stay open for the
// requests that still hold them.
const retireGrace = 30 * time.Second

// retiredBackends are backend sets a reload replaced: each is closed once,
// after its grace period or at shutdown, whichever comes first.
type retiredBackends struct {
	mu   sync.Mutex
	sets []*backendSet
}

func (r *retiredBackends) add(b *backendSet, grace time.Duration) {
	if b == nil {
		return
	}
	r.mu.Lock()
	r.sets = append(r.sets, b)
	r.mu.Unlock()
	time.AfterFunc(grace, func() { r.close(b) })
}

// close closes b if it is still waiting; it reports whether it did.
func (r *retiredBackends) close(b *backendSet) bool {
	r.mu.Lock()
	i := slices.Index(r.sets, b)
	if i >= 0 {
		r.sets = slices.Delete(r.sets, i, i+1)
	}
	r.mu.Unlock()
	if i < 0 {
		return false
	}
	b.close()
	return true
}

// closeAll closes every set still waiting.
func (r *retiredBackends) closeAll() {
	r.mu.Lock()
	sets := r.sets
	r.sets = nil
	r.mu.Unlock()
	for _, b := range sets {
		b.close()
	}
}

// closeBackends closes the served backends and those retired by reloads:
// the daemon's last step on every way out.
func (d *daemon) closeBackends() {
	d.mu.Lock()
	b := d.bset
	d.mu.Unlock()
	d.retired.closeAll()
	if b != nil {
		b.close()
	}
}
