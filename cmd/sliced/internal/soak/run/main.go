// Command run is `make soak`: it builds the daemon, runs package soak's
// load against it, prints the markdown report and exits 1 when the run
// failed its limits. Run it from the repository root:
//
//	go run ./cmd/sliced/internal/soak/run -duration 2m
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/soak"
)

func main() { os.Exit(run()) }

// run is main with deferred clean-up: 0 passed, 1 failed its limits, 2
// could not run.
func run() int {
	l := soak.DefaultLimits()
	var o soak.Options
	flag.StringVar(&o.Bin, "bin", "", "the sliced binary (default: built from this tree)")
	flag.StringVar(&o.Demo, "demo", "models/demo", "the demo folder (demo.avi, index.tsv and its images)")
	flag.DurationVar(&o.Duration, "duration", 30*time.Minute, "length of the load")
	flag.DurationVar(&o.Interval, "interval", 0, "between samples (default duration/60, within 1s..30s)")
	flag.Float64Var(&o.FPS, "fps", 30, "frame rate of the video source")
	flag.IntVar(&o.Clients, "clients", 4, "concurrent /v1/classify clients")
	flag.Float64Var(&o.Rate, "rate", 50, "classify requests/s of all clients together (negative: as fast as answered)")
	flag.DurationVar(&o.Reload, "reload", 30*time.Second, "between SIGHUPs")
	flag.DurationVar(&o.Enrol, "enrol", time.Minute, "between enrolments (each removed half-way to the next)")
	flag.DurationVar(&o.Stream, "stream", time.Minute, "between 3-second watches of /stream.mjpg")
	warmup := flag.Duration("warmup", 0, "samples before are not judged (default duration/10, at most 1m)")
	flag.Float64Var(&l.Window, "window", l.Window, "share of the judged span in the start and end windows")
	flag.Float64Var(&l.RSSGrowth, "rss-growth", l.RSSGrowth, "RSS may grow by this share of its start ...")
	rssSlack := flag.Float64("rss-slack", float64(l.RSSSlack>>20), "... or by this many MiB, whichever is more")
	flag.Float64Var(&l.GoroutineGrowth, "goroutine-growth", l.GoroutineGrowth, "goroutines may grow by this share ...")
	flag.IntVar(&l.GoroutineSlack, "goroutine-slack", l.GoroutineSlack, "... or by this many, whichever is more")
	flag.Float64Var(&l.P99Drift, "p99-drift", l.P99Drift, "a stage's p99 may grow by this share of its start ...")
	flag.DurationVar(&l.P99Slack, "p99-slack", l.P99Slack, "... or by this much, whichever is more")
	flag.Float64Var(&l.DropRate, "drop-rate", l.DropRate, "share of the frames that may be dropped (a machine shared with other work holds the pipeline off a core now and then)")
	flag.Parse()
	l.RSSSlack = int64(*rssSlack * (1 << 20))
	l.Warmup = *warmup
	if l.Warmup == 0 {
		l.Warmup = min(time.Minute, o.Duration/10)
	}
	o.Limits, o.Progress = l, os.Stderr

	if o.Bin == "" {
		dir, err := os.MkdirTemp("", "sliced-soak-bin-")
		if err != nil {
			return fail(err)
		}
		defer os.RemoveAll(dir)
		o.Bin = filepath.Join(dir, "sliced")
		build := exec.Command("go", "build", "-o", o.Bin, "github.com/sliced-ai/sliced/cmd/sliced")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fail(fmt.Errorf("building the daemon: %w", err))
		}
	}
	// Ctrl-C ends the load early; the report covers what ran.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(os.Stderr, "soak: %v, a sample every %v\n", o.Duration, o.Defaults().Interval)
	rep, err := soak.Run(ctx, o)
	if err != nil {
		return fail(err)
	}
	if err := rep.Markdown(os.Stdout); err != nil {
		return fail(err)
	}
	if !rep.Verdict.OK() {
		return 1
	}
	return 0
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "soak:", err)
	return 2
}
