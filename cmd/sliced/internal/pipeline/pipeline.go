package pipeline

import (
	"context"
	"errors"
	"image"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
)

// Result is one region of one processed frame, handed to the sinks.
type Result struct {
	Source string
	Region string // the region's name; "" for a source's one unnamed region
	Frame  source.Frame
	Answer Answer
	Box    image.Rectangle // where in the frame the object was found
	// Input is the preprocessed tensor (the engine's CxHxW) the answer is
	// for; nil when preprocessing failed. Sinks may keep it but must not
	// modify it.
	Input      []float32
	Err        error // set when no label came out (no object, backend error)
	Preprocess time.Duration
	Total      time.Duration // capture time to result
	// Held is set when smoothing kept the region's state although this
	// frame's answer differs: Answer, Box and Err are those of the frame
	// that set the state, Own and OwnErr this frame's own.
	Held   bool
	Own    Answer
	OwnErr error
}

// Region is one part of a source's frames with its own classification,
// result stream and smoothing.
type Region struct {
	Name   string    // the roi label; "" for a source's one unnamed region
	Prep   prep.Func // nil: Config.Prep
	Smooth int       // equal answers in a row before the state changes; 0 or 1: every answer
}

// Config is what one pipeline needs. Route is called per frame, so a
// reloaded route takes effect at the next frame.
type Config struct {
	Name     string
	Source   source.Source
	Watchdog time.Duration
	Once     bool // stop when the source ends instead of reopening it
	// Wait makes capture wait for the worker instead of replacing the
	// waiting frame: for files read as fast as they decode, where a
	// dropped frame is wasted work rather than a late one.
	Wait bool
	// Passive sources (uploads) are up while open, silent or not.
	Passive bool
	// Gate, when set, is asked about every captured frame (from the
	// capture goroutine) and only the frames it passes are classified:
	// a capture trigger. Frames it holds back still count as seen.
	Gate func(source.Frame) bool
	Prep prep.Func
	// Regions are classified one after the other from each frame, which
	// is read and decoded once; empty means one unnamed region.
	Regions []Region
	Route   func() *Route
	Metrics *metrics.Metrics
	Sink    func(Result) // called from the worker; must not block long
	Log     *slog.Logger
}

// Pipeline runs one source. Its methods are safe for concurrent use.
type Pipeline struct {
	c        Config
	slot     *slot
	regions  []*region     // used by the worker only
	done     atomic.Uint64 // frames processed: progress for the watchdog
	gated    atomic.Uint64 // frames the gate held back
	lastSeen atomic.Int64  // unix nanos of the last captured frame
	up       atomic.Bool
}

// New prepares a pipeline; Run starts it.
func New(c Config) *Pipeline {
	if c.Log == nil {
		c.Log = slog.Default()
	}
	p := &Pipeline{c: c, slot: newSlot()}
	if len(c.Regions) == 0 {
		c.Regions = []Region{{}}
	}
	for _, r := range c.Regions {
		if r.Prep == nil {
			r.Prep = c.Prep
		}
		p.regions = append(p.regions, &region{Region: r, smooth: smoother{n: r.Smooth}})
	}
	return p
}

// region is a Region with the worker's state of it.
type region struct {
	Region
	smooth  smoother
	outside bool // the region did not fit the last frame: logged once
}

// Name is the source label.
func (p *Pipeline) Name() string { return p.c.Name }

// Processed counts frames that went all the way through.
func (p *Pipeline) Processed() uint64 { return p.done.Load() }

// Gated counts frames the gate held back: progress too, for a source
// that waits for its trigger.
func (p *Pipeline) Gated() uint64 { return p.gated.Load() }

// Up reports whether the source is open and delivering.
func (p *Pipeline) Up() bool { return p.up.Load() }

// LastFrame is when the source last delivered (zero before the first).
func (p *Pipeline) LastFrame() time.Time {
	if n := p.lastSeen.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// Run captures and classifies until ctx is done.
func (p *Pipeline) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer p.slot.close()
		r := &source.Runner{Source: p.c.Source, Watchdog: p.c.Watchdog, StopAtEnd: p.c.Once, UpOnOpen: p.c.Passive, Observer: observer{p}, Emit: func(f source.Frame) {
			if p.c.Gate != nil && !p.c.Gate(f) {
				p.gated.Add(1)
				return
			}
			if p.c.Wait {
				p.slot.putWait(ctx, f)
			} else if p.slot.put(f) {
				p.c.Metrics.Drops.WithLabelValues(p.c.Name).Inc()
			}
		}}
		r.Run(ctx)
	}()
	for {
		f, ok := p.slot.take(ctx)
		if !ok {
			break
		}
		p.process(f)
	}
	wg.Wait()
	p.c.Metrics.SourceUp.WithLabelValues(p.c.Name).Set(0)
}

// process runs one frame through each region's preprocessing, the route
// and the sinks.
func (p *Pipeline) process(f source.Frame) {
	route := p.c.Route()
	for _, rg := range p.regions {
		p.classify(f, route, rg)
	}
	p.done.Add(1)
}

// classify runs one region of a frame. The metrics count its own answer;
// the sinks see it smoothed.
func (p *Pipeline) classify(f source.Frame, route *Route, rg *region) {
	m, name, roi := p.c.Metrics, p.c.Name, rg.Name
	t0 := time.Now()
	in, box, err := rg.Prep(f.Image)
	res := Result{Source: name, Region: roi, Frame: f, Box: box, Preprocess: time.Since(t0)}
	primary := route.Primary.Info()
	m.StageSeconds.WithLabelValues(metrics.StagePreprocess, metrics.PathPipeline, name, primary.Name, primary.Device).Observe(res.Preprocess.Seconds())
	if err != nil {
		kind := "preprocess"
		switch {
		case errors.Is(err, prep.ErrNoInk):
			kind = "no_object"
		case errors.Is(err, prep.ErrOutside):
			kind = "region_outside"
			if !rg.outside {
				p.c.Log.Error("region does not fit the frame: check its roi against the camera's frame size", "source", name, "roi", roi, "err", err)
			}
			rg.outside = true
		}
		m.Errors.WithLabelValues(name, roi, kind).Inc()
		res.Err = err
		res.Answer.Backend = primary
		p.finish(rg, res)
		return
	}
	rg.outside = false
	a, err := route.Classify(in, m)
	res.Answer, res.Input = a, in
	res.Total = time.Since(f.Time)
	if err != nil {
		m.Errors.WithLabelValues(name, roi, "inference").Inc()
		res.Err = err
		p.c.Log.Warn("inference failed", "source", name, "roi", roi, "backend", a.Backend.Name, "err", err)
		p.finish(rg, res)
		return
	}
	b, d := a.Backend.Name, a.Backend.Device
	m.Inference(metrics.PathPipeline, name, b, d, a.Timing.Inference, a.Timing.Conv, a.Timing.KNN)
	m.FrameSeconds.WithLabelValues(name, roi, b, d).Observe(res.Total.Seconds())
	m.Frames.WithLabelValues(name, roi).Inc()
	m.Classifications.WithLabelValues(name, roi, b, a.Class).Inc()
	// Looked up on every frame so that the series is exported at 0 from the
	// first frame on: a rate or share of unknowns has data before the first
	// unknown, and an alert on it does not wait for one.
	unknowns := m.Unknowns.WithLabelValues(name, roi, b)
	if !a.Known {
		unknowns.Inc()
	}
	p.finish(rg, res)
	if route.Compare != nil && route.Every > 0 && f.Seq%uint64(route.Every) == 0 {
		if _, err := route.CompareWith(in, a, m); err != nil {
			m.Errors.WithLabelValues(name, roi, "compare").Inc()
			p.c.Log.Debug("compare failed", "source", name, "roi", roi, "backend", route.Compare.Info().Name, "err", err)
		}
	}
}

// finish smooths r and hands it to the sinks.
func (p *Pipeline) finish(rg *region, r Result) {
	r = rg.smooth.apply(r)
	if r.Held {
		p.c.Metrics.Smoothed.WithLabelValues(r.Source, r.Region).Inc()
	}
	// The structured log is a sink too, at debug level: guarded, so that
	// a disabled level costs no allocation per frame.
	if p.c.Log.Enabled(context.Background(), slog.LevelDebug) {
		p.c.Log.Debug("frame", "source", r.Source, "roi", r.Region, "seq", r.Frame.Seq, "file", r.Frame.Name, "class", r.Answer.Class,
			"score", r.Answer.Score, "held", r.Held, "backend", r.Answer.Backend.Name, "fallback", r.Answer.Fallback,
			"latency", r.Total, "err", r.Err)
	}
	if p.c.Sink != nil {
		p.c.Sink(r)
	}
}

// observer turns Runner events into metrics and logs.
type observer struct{ p *Pipeline }

func (o observer) Up(up bool) {
	o.p.up.Store(up)
	v := 0.0
	if up {
		v = 1
		o.p.c.Log.Info("source up", "source", o.p.c.Name)
	}
	o.p.c.Metrics.SourceUp.WithLabelValues(o.p.c.Name).Set(v)
}

func (o observer) Reconnect(reason string, err error) {
	o.p.c.Metrics.Reconnects.WithLabelValues(o.p.c.Name).Inc()
	o.p.c.Metrics.Errors.WithLabelValues(o.p.c.Name, "", "source_"+reason).Inc()
	o.p.c.Log.Warn("source down, reopening", "source", o.p.c.Name, "reason", reason, "err", err)
}

func (o observer) Frame(f source.Frame, capture time.Duration) {
	o.p.lastSeen.Store(f.Time.UnixNano())
	o.p.c.Metrics.FrameSeen(o.p.c.Name, f.Time)
	info := o.p.c.Route().Primary.Info()
	o.p.c.Metrics.StageSeconds.WithLabelValues(metrics.StageCapture, metrics.PathPipeline, o.p.c.Name, info.Name, info.Device).Observe(capture.Seconds())
}

func (o observer) FrameError(err error) {
	o.p.c.Metrics.Errors.WithLabelValues(o.p.c.Name, "", "frame").Inc()
	o.p.c.Log.Debug("bad frame", "source", o.p.c.Name, "err", err)
}
