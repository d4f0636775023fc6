package serve

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
)

// pipelines are the running pipelines of one configuration.
type pipelines struct {
	cfg     []config.Source
	list    []*pipeline.Pipeline
	uploads map[string]*source.Upload
	missing []string // configured sources this binary could not start
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// startPipelines starts one pipeline per source, classifying each of its
// regions. A source that cannot be built (a kind this binary lacks) is
// logged and left out. prepFor is the preprocessing of region r; color
// tells the sources that convert to colour only on request
// (source.Colorer) whether the served engine wants it, per frame.
func startPipelines(ctx context.Context, srcs []config.Source, maxPixels int64, base pipeline.Config, prepFor func(r prep.Region) prep.Func, color func() bool, hw *hardware, log *slog.Logger) *pipelines {
	ctx, cancel := context.WithCancel(ctx)
	ps := &pipelines{cfg: srcs, uploads: map[string]*source.Upload{}, cancel: cancel}
	for _, sc := range srcs {
		src, err := source.Open(sc, maxPixels)
		if err != nil {
			log.Error("source not started", "source", sc.Name, "err", err)
			ps.missing = append(ps.missing, sc.Name)
			base.Metrics.Errors.WithLabelValues(sc.Name, "", "source_unsupported").Inc()
			continue
		}
		if c, ok := src.(source.Colorer); ok {
			c.SetColor(color)
		}
		if u, ok := src.(*source.Upload); ok {
			ps.uploads[sc.Name] = u
		}
		pc := base
		pc.Name, pc.Source, pc.Watchdog = sc.Name, src, sc.Watchdog
		pc.Gate = hw.gate(sc)
		for _, r := range sc.RegionList() {
			pr := pipeline.Region{Name: r.Name, Smooth: r.Smooth}
			if r.ROI != nil {
				pr.Prep = prepFor(r.ROI.In)
			}
			pc.Regions = append(pc.Regions, pr)
		}
		pc.Once = sc.Kind == "dir" && !sc.Loop
		pc.Wait = (sc.Kind == "dir" || sc.Kind == "video") && sc.FPS == 0
		if sc.Kind == "upload" {
			pc.Watchdog, pc.Passive = 0, true // silence is normal for uploads
		}
		p := pipeline.New(pc)
		ps.list = append(ps.list, p)
		ps.wg.Add(1)
		go func() {
			defer ps.wg.Done()
			p.Run(ctx)
		}()
		log.Info("source started", "source", sc.Name, "kind", sc.Kind, "path", sc.Path, "triggered", pc.Gate != nil, "regions", len(pc.Regions))
	}
	return ps
}

func (ps *pipelines) stop() {
	ps.cancel()
	ps.wg.Wait()
}

// processed sums the frames of all pipelines, those a trigger held back
// included: the watchdog's progress.
func (ps *pipelines) processed() uint64 {
	var n uint64
	for _, p := range ps.list {
		n += p.Processed() + p.Gated()
	}
	return n
}

// flowing reports whether every frame-producing source is up and
// delivered within its watchdog (or 10 s), naming the first that is not.
func (ps *pipelines) flowing(now time.Time) (bool, string) {
	if len(ps.missing) > 0 {
		return false, "source " + ps.missing[0] + " could not be started"
	}
	for _, p := range ps.list {
		if _, up := ps.uploads[p.Name()]; up {
			continue
		}
		limit := 10 * time.Second
		for _, c := range ps.cfg {
			if c.Name == p.Name() && c.Watchdog > 0 {
				limit = c.Watchdog
			}
		}
		if !p.Up() {
			return false, "source " + p.Name() + " is down"
		}
		if last := p.LastFrame(); last.IsZero() || now.Sub(last) > limit {
			return false, "source " + p.Name() + " has no recent frames"
		}
	}
	return true, ""
}

// cameras reports whether any pipeline reads frames on its own (not uploads).
func (ps *pipelines) cameras() bool {
	return len(ps.list) > len(ps.uploads) || len(ps.missing) > 0
}
