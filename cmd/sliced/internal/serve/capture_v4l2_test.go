package serve

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/device/v4l2"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// fakeCamera yields frames, with a corrupt one every third call, and ends
// the test after n frames.
type fakeCamera struct {
	calls, frames, n int
	done             func()
}

func (c *fakeCamera) Next(ctx context.Context) (*image.Gray, time.Time, error) {
	c.calls++
	if c.calls%3 == 0 {
		return nil, time.Now(), fmt.Errorf("v4l2 /dev/video0: mjpeg: %w: unexpected EOF", v4l2.ErrBadFrame)
	}
	c.frames++
	if c.frames == c.n {
		c.done()
	}
	return image.NewGray(image.Rect(0, 0, 8, 8)), time.Now(), nil
}

func (c *fakeCamera) Format() (int, int, v4l2.PixelFormat) { return 8, 8, v4l2.MJPEG }
func (c *fakeCamera) Close() error                         { return nil }

// A corrupt frame is skipped and counted as an error of kind "frame"; the
// camera is not reopened.
func TestV4L2SourceSkipsBadFrames(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opens := 0
	cam := &fakeCamera{n: 20, done: cancel}
	src := &v4l2Source{cfg: v4l2.Config{Device: "/dev/video0"}, open: func(v4l2.Config) (v4l2Camera, error) {
		opens++
		return cam, nil
	}}
	m, err := metrics.New(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	e := fixture.Engine(models.B, 1)
	route := &pipeline.Route{Primary: backend.NewSliced(func() *engine.Engine { return e })}
	p := pipeline.New(pipeline.Config{Name: "cam", Source: src, Watchdog: time.Second, Prep: prep.Frame,
		Route: func() *pipeline.Route { return route }, Metrics: m, Log: slog.New(slog.DiscardHandler)})
	p.Run(ctx)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatal("the source stopped delivering")
	}
	reconnects := testutil.ToFloat64(m.Reconnects.WithLabelValues("cam"))
	if opens != 1 || reconnects != 0 {
		t.Fatalf("%d opens, %v reconnects: a corrupt frame reopened the camera", opens, reconnects)
	}
	if bad := testutil.ToFloat64(m.Errors.WithLabelValues("cam", "frame")); int(bad) != cam.calls/3 {
		t.Fatalf("errors_total{kind=frame} %v, want %d", bad, cam.calls/3)
	}
}
