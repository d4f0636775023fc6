package benchtable

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/benchrun"
)

// timeAllCores measures every row's all-cores throughput and, timed the
// same way, its one-thread throughput: in short bursts the row's workers
// call their own instances concurrently, or its one-thread instance runs
// alone, the rows and the two figures taking turns, until each row has had
// about per of wall time. A throughput is the images finished over the
// wall time of its bursts, so load from other work lowers both alike.
func timeAllCores(rows []*Row, per time.Duration) error {
	var live []*Row
	for _, r := range rows {
		if len(r.all) == 0 || r.run == nil {
			continue
		}
		// Warm every instance up: first calls size buffers.
		for _, f := range r.all {
			for range 3 {
				if err := f(); err != nil {
					return fmt.Errorf("%s, all cores: %w", r.Name, err)
				}
			}
		}
		live = append(live, r)
	}
	// Bursts short enough that load from other work falls on all rows
	// alike, long enough that starting the workers costs little.
	burst := min(max(per/16, time.Millisecond), 125*time.Millisecond)
	type tally struct {
		images int64
		wall   time.Duration
	}
	all := make([]tally, len(live))
	one := make([]tally, len(live))
	err := benchrun.Rounds(len(live), func(i int) (bool, error) {
		r := live[i]
		for _, b := range []struct {
			t       *tally
			workers []func() error
		}{{&all[i], r.all}, {&one[i], []func() error{r.run}}} {
			n, d, err := runBurst(b.workers, burst)
			if err != nil {
				return false, fmt.Errorf("%s, all cores: %w", r.Name, err)
			}
			b.t.images += n
			b.t.wall += d
		}
		return all[i].wall+one[i].wall < per, nil
	})
	if err != nil {
		return err
	}
	for i, r := range live {
		r.PerSec = float64(all[i].images) / all[i].wall.Seconds()
		r.OneSec = float64(one[i].images) / one[i].wall.Seconds()
	}
	return nil
}

// runBurst runs every worker in a loop of its own until the burst is over
// (each finishes at least one call) and says how many calls finished in
// how much wall time.
func runBurst(workers []func() error, burst time.Duration) (int64, time.Duration, error) {
	var (
		n    atomic.Int64
		wg   sync.WaitGroup
		once sync.Once
		werr error
	)
	t0 := time.Now()
	end := t0.Add(burst)
	for _, f := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if err := f(); err != nil {
					once.Do(func() { werr = err })
					return
				}
				n.Add(1)
				if !time.Now().Before(end) {
					return
				}
			}
		}()
	}
	wg.Wait()
	return n.Load(), time.Since(t0), werr
}
