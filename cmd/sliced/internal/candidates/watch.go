package candidates

import (
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
)

// FromAnswer is the candidate's view of a pipeline answer.
func FromAnswer(a pipeline.Answer) Answer {
	return Answer{Class: a.Class, Known: a.Known, Score: a.Score, Nearest: a.Nearest}
}

// Watch is a pipeline sink: a result the engine was unsure of becomes a
// candidate, at most one per source every Options.Gap. Errors are logged.
func (k *Keeper) Watch(r pipeline.Result) {
	if r.Err != nil || r.Input == nil {
		return
	}
	a := FromAnswer(r.Answer)
	now := k.now()
	k.mu.Lock()
	if !k.wants(a) || (k.gap > 0 && !k.last[r.Source].IsZero() && now.Sub(k.last[r.Source]) < k.gap) {
		k.mu.Unlock()
		return
	}
	k.last[r.Source] = now
	k.mu.Unlock()
	if _, err := k.Offer(Frame{Time: r.Frame.Time, Source: r.Source, Answer: a, Input: r.Input}); err != nil {
		k.log.Warn("candidate not kept", "source", r.Source, "err", err)
	}
}
