package candidates

import (
	"errors"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
)

func result(src string, at time.Time, known bool, score float32) pipeline.Result {
	class := "unknown"
	if known {
		class = "3"
	}
	return pipeline.Result{Source: src, Frame: source.Frame{Time: at}, Input: input(1),
		Answer: pipeline.Answer{Result: backend.Result{Class: class, Known: known, Score: score, Label: 3}, Nearest: "3"}}
}

func TestWatchPacesEachSource(t *testing.T) {
	now := time.Unix(5000, 0)
	k := open(t, t.TempDir(), Options{Keep: 50, Below: 0.5, Now: func() time.Time { return now }})
	k.Watch(result("cam", now, true, 0.9)) // sure: not a candidate, and no pause either
	k.Watch(result("cam", now, false, 0.2))
	k.Watch(result("cam", now, false, 0.2)) // too soon after the last
	k.Watch(result("door", now, true, 0.3)) // another source
	k.Watch(pipeline.Result{Source: "x", Err: errors.New("no object")})
	if k.Len() != 2 {
		t.Fatalf("%d kept, want 2 (one per source)", k.Len())
	}
	now = now.Add(DefaultGap)
	k.Watch(result("cam", now, false, 0.2))
	l := k.List()
	if len(l) != 3 || l[0].Source != "cam" || l[0].Class != "unknown" || l[0].Nearest != "3" || l[1].Source != "door" || !l[1].Known {
		t.Fatalf("kept %+v", l)
	}
}
