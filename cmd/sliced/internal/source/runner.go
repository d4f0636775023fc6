package source

import (
	"context"
	"errors"
	"io"
	"time"
)

// Observer hears what a Runner does. Its methods are called from the
// Runner's goroutine and must not block.
type Observer interface {
	Up(up bool)
	Reconnect(reason string, err error) // reason: open, error, end, silent
	Frame(f Frame, capture time.Duration)
	FrameError(err error)
}

// Backoff is a capped exponential delay.
type Backoff struct {
	Min, Max time.Duration
	cur      time.Duration
}

// Next returns the delay to wait and doubles the one after, up to Max.
func (b *Backoff) Next() time.Duration {
	if b.cur < b.Min {
		b.cur = b.Min
	}
	d := b.cur
	b.cur = min(2*b.cur, b.Max)
	return d
}

// Reset starts again from Min after a success.
func (b *Backoff) Reset() { b.cur = 0 }

// Runner keeps a Source delivering frames until its context ends.
type Runner struct {
	Source   Source
	Watchdog time.Duration // reopen after this long without a frame; 0: never
	// OpenTimeout bounds Open; 0 means the watchdog or 10 s, the longer.
	OpenTimeout time.Duration
	// UpOnOpen reports the source up as soon as it opens, for sources
	// whose silence is normal (uploads); others are up at their first frame.
	UpOnOpen bool
	// StopAtEnd makes Run return when the source ends (io.EOF) instead of
	// reopening it: a folder read once.
	StopAtEnd bool
	Backoff   Backoff
	Observer  Observer
	Emit      func(Frame) // receives every frame; may block only until ctx ends
}

// Run opens, reads and reopens the source until ctx is done.
func (r *Runner) Run(ctx context.Context) {
	if r.Backoff.Min == 0 {
		r.Backoff = Backoff{Min: 100 * time.Millisecond, Max: 30 * time.Second}
	}
	var seq uint64
	for ctx.Err() == nil {
		reason, err := r.session(ctx, &seq)
		r.Observer.Up(false)
		if ctx.Err() != nil || (reason == "end" && r.StopAtEnd) {
			return
		}
		r.Observer.Reconnect(reason, err)
		t := time.NewTimer(r.Backoff.Next())
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// session runs one open-read-close cycle and says why it ended.
func (r *Runner) session(ctx context.Context, seq *uint64) (string, error) {
	// A source that hangs while opening counts as failed, like one that
	// stays silent.
	limit := r.OpenTimeout
	if limit <= 0 {
		limit = max(r.Watchdog, 10*time.Second)
	}
	octx, cancel := context.WithTimeout(ctx, limit)
	err := r.Source.Open(octx)
	cancel()
	if err != nil {
		return "open", err
	}
	defer r.Source.Close()
	up := r.UpOnOpen
	if up {
		r.Observer.Up(true)
	}
	for {
		nctx, cancel := ctx, context.CancelFunc(func() {})
		if r.Watchdog > 0 {
			nctx, cancel = context.WithTimeout(ctx, r.Watchdog)
		}
		t0 := time.Now()
		f, err := r.Source.Next(nctx)
		capture := time.Since(t0)
		silent := r.Watchdog > 0 && errors.Is(nctx.Err(), context.DeadlineExceeded)
		cancel()
		switch {
		case ctx.Err() != nil:
			return "stop", ctx.Err()
		case silent:
			return "silent", err
		case errors.Is(err, io.EOF):
			return "end", nil
		case IsFrameError(err):
			r.Observer.FrameError(err)
			continue
		case err != nil:
			return "error", err
		}
		if !up {
			up = true
			r.Observer.Up(true)
			r.Backoff.Reset()
		}
		*seq++
		f.Seq = *seq
		if f.Time.IsZero() {
			f.Time = t0
		}
		if f.Capture > 0 {
			capture = f.Capture
		}
		r.Observer.Frame(f, capture)
		r.Emit(f)
	}
}
