package candidates

import (
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
)

// FromAnswer is the candidate's view of a pipeline answer.
func FromAnswer(a pipeline.Answer) Answer {
	return Answer{Class: a.Class, Known: a.Known, Score: a.Score, Nearest: a.Nearest}
}

// Watch is a pipeline sink: a result the engine was unsure of becomes a
// candidate, at most one per source (SOURCE/REGION for a named region)
// every Options.Gap. Errors are logged.
func (k *Keeper) Watch(r pipeline.Result) {
	if r.Held {
		// The frame's own answer, not the state smoothing kept.
		r.Answer, r.Err = r.Own, r.OwnErr
	}
	if r.Err != nil || r.Input == nil {
		return
	}
	a := FromAnswer(r.Answer)
	src := r.Source
	if r.Region != "" {
		src += "/" + r.Region // each region is its own stream of candidates
	}
	now := k.now()
	k.mu.Lock()
	if !k.wants(a) || (k.gap > 0 && !k.last[src].IsZero() && now.Sub(k.last[src]) < k.gap) {
		k.mu.Unlock()
		return
	}
	k.last[src] = now
	k.mu.Unlock()
	if _, err := k.Offer(Frame{Time: r.Frame.Time, Source: src, Answer: a, Input: r.Input}); err != nil {
		k.log.Warn("candidate not kept", "source", src, "err", err)
	}
}
