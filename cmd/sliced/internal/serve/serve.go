package serve

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/api"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/candidates"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/events"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/liveview"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/sdnotify"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/store"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// ErrUsage means the flags were wrong; the flag package printed why.
var ErrUsage = errors.New("usage")

// Version is reported by GET /v2; the command sets it.
var Version = "dev"

// daemon is the state of one serve run.
type daemon struct {
	flags   *config.Flags
	log     *slog.Logger
	level   *slog.LevelVar
	stdout  io.Writer
	reg     *prometheus.Registry
	metrics *metrics.Metrics
	store   *store.Store
	cands   *candidates.Keeper
	hub     *liveview.Hub
	notify  *sdnotify.Notifier
	events  *events.Publisher // nil without mqtt.broker

	mu      sync.Mutex // guards cfg, pipes and backends during a reload
	cfg     config.Config
	pipes   *pipelines
	hw      *hardware // opened at start; a reload keeps it
	bset    *backendSet
	retired retiredBackends // replaced by a reload, closed later
	route   atomic.Pointer[pipeline.Route]
	token   atomic.Value // string
}

// Serve runs the daemon until ctx is done or SIGTERM/SIGINT arrives.
func Serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sliced serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	flags := config.NewFlags(fs)
	check := fs.Bool("check", false, "validate the configuration and the engine, then exit")
	if err := fs.Parse(args); err != nil {
		return ErrUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sliced serve: unexpected argument %q\n", fs.Arg(0))
		return ErrUsage
	}
	cfg, err := flags.LoadWithFlags()
	if err != nil {
		return err
	}
	if *check {
		st, err := store.Open(storeSources(cfg))
		if err != nil {
			return err
		}
		if err := checkSources(cfg.Sources, st.Engine()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "configuration OK; engine %q (%s, %d classes, version %d) from %s\n", st.Engine().Name, st.Engine().Kind(), len(st.Engine().ClassNames()), st.Version(), st.From())
		return nil
	}
	d := &daemon{flags: flags, stdout: stdout, level: new(slog.LevelVar), hub: liveview.New(), notify: sdnotify.FromEnv()}
	d.log = newLogger(cfg.Log, d.level, stderr)
	return d.run(ctx, cfg)
}

func (d *daemon) run(ctx context.Context, cfg config.Config) error {
	start := time.Now()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	// Caught from the start: an early reload must not end the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	d.reg = prometheus.NewRegistry()
	var err error
	if d.metrics, err = metrics.New(d.reg); err != nil {
		return err
	}
	// Before the engine loads, so the start-up engine is the baseline of
	// the enrolment events.
	if cfg.MQTT.Broker != "" {
		if d.events, err = events.New(cfg.MQTT, events.Options{Version: Version, Sources: sourceNames(cfg.Sources), Metrics: d.metrics, Log: d.log}); err != nil {
			return err
		}
		d.events.Start()
		defer d.events.Close()
	}
	d.store, err = store.Open(storeSources(cfg))
	if err != nil {
		return err
	}
	if err := checkSources(cfg.Sources, d.store.Engine()); err != nil {
		return err
	}
	d.store.Sweep()
	d.engineChanged(d.store.Engine(), d.store.From(), d.store.Version())
	d.store.OnChange = d.engineChanged
	d.cands, err = candidates.Open(cfg.StateDir, candidates.Options{Keep: cfg.Candidates.Keep, Below: cfg.Candidates.Below,
		Log: d.log, Kept: func(n int) { d.metrics.CandidatesKept.Set(float64(n)) }, Engine: d.store.Engine})
	if err != nil {
		return err
	}
	d.cfg = cfg
	if err := d.loadToken(cfg); err != nil {
		return err
	}
	d.bset = loadBackends(cfg, backend.Default, d.store.Engine, d.metrics, d.log)
	d.route.Store(d.bset.route)

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	var gln net.Listener
	if cfg.GRPCListen != "" {
		if gln, err = net.Listen("tcp", cfg.GRPCListen); err != nil {
			ln.Close()
			return fmt.Errorf("grpc listen: %w", err)
		}
	}
	apiSrv := d.handler()
	srv := &http.Server{
		Handler:           apiSrv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.Timeouts.Read,
		WriteTimeout:      cfg.Timeouts.Write,
		IdleTimeout:       cfg.Timeouts.Idle,
		ErrorLog:          slog.NewLogLogger(d.log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 2)
	go func() { served <- srv.Serve(ln) }()
	var gsrv *api.GRPCServer
	if gln != nil {
		// The gRPC message limit is the HTTP body limit, read at start.
		gsrv = apiSrv.GRPC(int(cfg.Limits.BodyBytes))
		go func() {
			if err := gsrv.Serve(gln); err != nil {
				served <- fmt.Errorf("grpc: %w", err)
			}
		}()
		d.log.Info("grpc listening", "grpc_listen", gln.Addr().String())
		fmt.Fprintf(d.stdout, "sliced serve: KServe v2 gRPC at %s\n", gln.Addr())
	}

	runCtx, cancelRun := context.WithCancel(context.Background())
	defer cancelRun()
	d.hw = openHardware(cfg, d.reg, d.log)
	d.hw.start(runCtx)
	d.pipes = startPipelines(runCtx, cfg.Sources, cfg.Limits.ImagePixels, d.pipelineBase(), d.prepFor, d.wantsColor, d.hw, d.log)

	d.notify.Send("READY=1\nSTATUS=serving")
	d.log.Info("ready", "listen", ln.Addr().String(), "engine", d.store.From(), "startup", time.Since(start).Round(time.Microsecond))
	fmt.Fprintf(d.stdout, "sliced serve: live view at http://%s/\n", ln.Addr())
	go d.notify.Watchdog(runCtx, sdnotify.WatchdogInterval(), sdnotify.Progress(d.processed, d.idle))

	for {
		select {
		case <-hup:
			d.reload(runCtx)
			continue
		case err := <-served:
			if gsrv != nil {
				gsrv.Server.Stop()
			}
			srv.Close()
			d.shutdownPipelines()
			d.hw.stop()
			d.closeBackends()
			return fmt.Errorf("http server: %w", err)
		case <-ctx.Done():
		}
		break
	}
	d.notify.Send("STOPPING=1")
	d.log.Info("stopping: draining requests", "timeout", d.cfg.Timeouts.Shutdown)
	sctx, cancel := context.WithTimeout(context.Background(), d.cfg.Timeouts.Shutdown)
	defer cancel()
	stopped := make(chan error, 1)
	go func() {
		if gsrv != nil {
			stopped <- gsrv.Stop(sctx)
		} else {
			stopped <- nil
		}
	}()
	err = srv.Shutdown(sctx)
	if gerr := <-stopped; err == nil && gerr != nil {
		err = fmt.Errorf("grpc: %w", gerr)
	}
	d.shutdownPipelines()
	d.hw.stop()
	d.closeBackends()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	d.log.Info("stopped")
	return nil
}

func (d *daemon) shutdownPipelines() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pipes.stop()
}

// sourceNames are the Home Assistant sensors: one per region.
func sourceNames(srcs []config.Source) []string {
	var names []string
	for _, s := range srcs {
		for _, r := range s.RegionList() {
			names = append(names, events.Topic(s.Name, r.Name))
		}
	}
	return names
}

func storeSources(c config.Config) store.Sources {
	return store.Sources{StateDir: c.StateDir, Configured: c.Engine, Default: models.Default, Load: models.Load}
}

func (d *daemon) pipelineBase() pipeline.Config {
	hw, ev := d.hw, d.events
	sink := func(r pipeline.Result) {
		d.hub.Publish(r)
		d.cands.Watch(r)
		ev.Watch(r)
		if hw != nil {
			hw.result(r)
		}
	}
	return pipeline.Config{Prep: d.prepFor(nil), Route: d.route.Load, Metrics: d.metrics, Sink: sink, Log: d.log}
}

// prepFor follows the served engine's PREP section; r is a source's
// region of interest, nil for the whole image.
func (d *daemon) prepFor(r prep.Region) prep.Func { return prep.For(d.store.Engine, r) }

// wantsColor reports whether the served engine reads RGB, asked by the
// cameras at every frame: a reload or swap to an engine of the other
// kind is fed from the next frame on. One frame read before the swap may
// reach the new engine as gray; the preprocessing then repeats its luma
// in the three channels, which is an answer, not an error.
func (d *daemon) wantsColor() bool {
	e := d.store.Engine()
	return e != nil && e.Prep.Mode != engine.PrepDigit && e.Stack.In.C == 3
}

func (d *daemon) processed() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pipes.processed()
}

// idle: with no source of its own the daemon has no pipeline progress to
// prove; the watchdog then only shows that the process is scheduled.
func (d *daemon) idle() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return !d.pipes.cameras()
}

func (d *daemon) ready() (bool, string) {
	if d.store.Engine() == nil {
		return false, "no engine"
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pipes.flowing(time.Now())
}

func (d *daemon) handler() *api.Server {
	return api.New(api.Deps{
		Version: Version,
		Store:   d.store,
		Route:   d.route.Load,
		Backends: func() map[string]backend.Backend {
			d.mu.Lock()
			defer d.mu.Unlock()
			return d.bset.byName
		},
		Prep:     d.prepFor(nil),
		Metrics:  d.metrics,
		Gatherer: d.reg,
		Token:    func() string { s, _ := d.token.Load().(string); return s },
		Limits: func() (int64, int64) {
			d.mu.Lock()
			defer d.mu.Unlock()
			return d.cfg.Limits.BodyBytes, d.cfg.Limits.ImagePixels
		},
		Ready: d.ready,
		Uploads: func(name string) *source.Upload {
			d.mu.Lock()
			defer d.mu.Unlock()
			return d.pipes.uploads[name]
		},
		Live:       d.hub,
		Candidates: d.cands,
		Sources: func() []config.Source {
			d.mu.Lock()
			defer d.mu.Unlock()
			return d.cfg.Sources
		},
		LatestFrame: d.hub.LatestFrame,
		ModelDir: func() string {
			d.mu.Lock()
			defer d.mu.Unlock()
			return d.cfg.ModelDir
		},
		Log: d.log,
	})
}

// reload re-reads configuration and engine. Anything invalid keeps the old.
func (d *daemon) reload(runCtx context.Context) {
	d.log.Info("SIGHUP: reloading")
	d.notify.Send("RELOADING=1")
	defer d.notify.Send("READY=1\nSTATUS=serving")
	cfg, err := d.flags.LoadWithFlags()
	// Logged before counted: whoever sees the counter move finds the line.
	if err != nil {
		d.log.Error("reload: bad configuration, keeping the old one", "err", err)
		d.metrics.EngineReloads.WithLabelValues("error").Inc()
		return
	}
	if err := d.store.Reload(storeSources(cfg)); err != nil {
		d.log.Error("reload: engine not loaded, the old engine keeps serving", "err", err)
		d.metrics.EngineReloads.WithLabelValues("error").Inc()
		return
	}
	d.metrics.EngineReloads.WithLabelValues("ok").Inc()
	if err := d.loadToken(cfg); err != nil {
		d.log.Error("reload: token", "err", err)
	}
	d.level.Set(parseLevel(cfg.Log.Level))
	if err := d.cands.Set(cfg.Candidates.Keep, cfg.Candidates.Below); err != nil {
		d.log.Error("reload: candidates", "err", err)
	}
	// The new backends and pipelines are built outside the lock, so
	// requests go on with the old ones until the swap. Reloads come one at
	// a time from the signal loop, so d.cfg and d.pipes change only here.
	d.mu.Lock()
	prev, pipes := d.cfg, d.pipes
	d.mu.Unlock()
	if cfg.StateDir != prev.StateDir {
		d.log.Warn("reload: candidates stay in the old state directory until a restart", "state_dir", prev.StateDir)
	}
	if cfg.Listen != prev.Listen || cfg.GRPCListen != prev.GRPCListen {
		d.log.Warn("reload: listen address changes need a restart", "listen", prev.Listen, "grpc_listen", prev.GRPCListen)
		cfg.Listen, cfg.GRPCListen = prev.Listen, prev.GRPCListen
	}
	if !reflect.DeepEqual(cfg.GPIO, prev.GPIO) || cfg.Power != prev.Power {
		d.log.Warn("reload: gpio and power changes need a restart; keeping the ones in use")
		cfg.GPIO, cfg.Power = prev.GPIO, prev.Power
	}
	if cfg.MQTT != prev.MQTT {
		d.log.Warn("reload: mqtt changes need a restart; keeping the broker connection in use")
		cfg.MQTT = prev.MQTT
	}
	if err := checkSources(cfg.Sources, d.store.Engine()); err != nil {
		d.log.Error("reload: the sources do not fit the engine; keeping the sources in use", "err", err)
		cfg.Sources = prev.Sources
	}
	bset := loadBackends(cfg, backend.Default, d.store.Engine, d.metrics, d.log)
	if !reflect.DeepEqual(cfg.Sources, prev.Sources) || cfg.Limits != prev.Limits {
		// A camera cannot be opened twice: the old pipelines stop first.
		pipes.stop()
		pipes = startPipelines(runCtx, cfg.Sources, cfg.Limits.ImagePixels, d.pipelineBase(), d.prepFor, d.wantsColor, d.hw, d.log)
		d.events.SetSources(sourceNames(cfg.Sources))
	}
	d.mu.Lock()
	old := d.bset
	d.bset, d.pipes, d.cfg = bset, pipes, cfg
	d.route.Store(bset.route)
	d.mu.Unlock()
	// Old backends may still be in a request: they are closed after a grace
	// period, or at shutdown, whichever comes first.
	d.retired.add(old, retireGrace)
	d.log.Info("reloaded", "engine", d.store.From())
}

// engineChanged refreshes the engine metrics.
func (d *daemon) engineChanged(e *engine.Engine, from string, version int) {
	m := d.metrics
	m.EngineInfo.Reset()
	m.EngineInfo.WithLabelValues(e.Name, e.Kind(), e.Topology, strconv.Itoa(engine.Version), strconv.Itoa(version)).Set(1)
	m.EngineClasses.Set(float64(len(e.ClassNames())))
	d.events.Engine(e.ClassNames(), version)
	if e.KNN != nil {
		m.EnginePrototypes.Set(float64(e.KNN.Len()))
	} else {
		m.EnginePrototypes.Set(0)
	}
	if n, err := engine.EncodedSize(e); err == nil {
		m.EngineBytes.Set(float64(n))
	}
	if d.log != nil {
		d.log.Info("engine", "name", e.Name, "kind", e.Kind(), "topology", e.Topology, "classes", len(e.ClassNames()), "version", version, "from", from)
	}
}
