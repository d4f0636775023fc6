package train

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Bar draws training progress on w: one line redrawn in place on a
// terminal, or a plain line every few seconds (and at each epoch's end)
// when w is a file or pipe. It is a Config.Progress function.
type Bar struct {
	w     io.Writer
	tty   bool
	every time.Duration
	last  time.Time
}

// NewBar returns a bar writing to w; a *os.File that is a terminal gets the
// redrawn line.
func NewBar(w io.Writer) *Bar {
	b := &Bar{w: w, every: 10 * time.Second}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			b.tty, b.every = true, 200*time.Millisecond
		}
	}
	return b
}

// Update draws s; pass it as Config.Progress.
func (b *Bar) Update(s Status) {
	now := time.Now()
	if !s.EpochDone && now.Sub(b.last) < b.every {
		return
	}
	b.last = now
	line := Line(s)
	switch {
	case b.tty && s.EpochDone:
		fmt.Fprintf(b.w, "\r\033[K%s\n", line)
	case b.tty:
		fmt.Fprintf(b.w, "\r\033[K%s", line)
	default:
		fmt.Fprintln(b.w, line)
	}
}

// Line renders one status line: epoch, batch, a bar, loss, accuracy,
// speed and time left.
func Line(s Status) string {
	const width = 20
	frac := 0.0
	if s.Batches > 0 {
		frac = float64(s.Batch) / float64(s.Batches)
	}
	fill := int(frac * width)
	bar := strings.Repeat("=", fill) + strings.Repeat(" ", width-fill)
	line := fmt.Sprintf("epoch %d/%d [%s] batch %d/%d loss %.4f acc %.2f%% %.0f img/s",
		s.Epoch, s.Epochs, bar, s.Batch, s.Batches, s.Loss, 100*s.Accuracy, s.ImagesPerSec)
	if s.ValAccuracy >= 0 {
		line += fmt.Sprintf(" val %.2f%%", 100*s.ValAccuracy)
	}
	if s.EpochDone {
		return line + fmt.Sprintf(" elapsed %s", s.Elapsed.Round(time.Second))
	}
	return line + fmt.Sprintf(" ETA %s", s.Remaining.Round(time.Second))
}
