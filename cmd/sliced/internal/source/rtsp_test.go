package source

import (
	"context"
	"errors"
	"fmt"
	"image"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/pion/rtp"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	require "github.com/sliced-ai/sliced/cmd/sliced/testbin/needs"
)

// relay is an RTSP server that passes what one publisher records to its
// readers, as a camera's or MediaMTX's would: ffmpeg publishes to it.
type relay struct {
	s         *gortsplib.Server
	mu        sync.Mutex
	stream    *gortsplib.ServerStream
	publisher *gortsplib.ServerSession
}

func (r *relay) OnSessionClose(ctx *gortsplib.ServerHandlerOnSessionCloseCtx) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stream != nil && ctx.Session == r.publisher {
		r.stream.Close() // disconnects the readers
		r.stream = nil
	}
}

func (r *relay) current() (*base.Response, *gortsplib.ServerStream, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stream == nil {
		return &base.Response{StatusCode: base.StatusNotFound}, nil, nil
	}
	return &base.Response{StatusCode: base.StatusOK}, r.stream, nil
}

func (r *relay) OnDescribe(*gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	return r.current()
}

func (r *relay) OnSetup(*gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	return r.current()
}

func (r *relay) OnPlay(*gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func (r *relay) OnAnnounce(ctx *gortsplib.ServerHandlerOnAnnounceCtx) (*base.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stream != nil {
		r.stream.Close()
		r.publisher.Close()
	}
	r.stream = gortsplib.NewServerStream(r.s, ctx.Description)
	r.publisher = ctx.Session
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func (r *relay) OnRecord(ctx *gortsplib.ServerHandlerOnRecordCtx) (*base.Response, error) {
	r.mu.Lock()
	stream := r.stream
	r.mu.Unlock()
	ctx.Session.OnPacketRTPAny(func(m *description.Media, _ format.Format, pkt *rtp.Packet) {
		stream.WritePacketRTP(m, pkt)
	})
	return &base.Response{StatusCode: base.StatusOK}, nil
}

// startRelay serves RTSP over TCP on a free local port and returns the
// URL of its one path.
func startRelay(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r := &relay{}
	r.s = &gortsplib.Server{Handler: r, RTSPAddress: addr}
	if err := r.s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.s.Close)
	return "rtsp://" + addr + "/cam"
}

// publish starts ffmpeg looping the demo video to url with the codec
// arguments given, and returns a stop for it.
func publish(t *testing.T, url string, codec ...string) (stop func()) {
	t.Helper()
	ff := require.Tool(t, "ffmpeg", "apt-get install ffmpeg")
	args := append([]string{"-nostdin", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", demoVideo, "-an"}, codec...)
	cmd := exec.Command(ff, append(args, "-f", "rtsp", "-rtsp_transport", "tcp", url)...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cmd.Process.Kill()
			cmd.Wait()
			if s := out.String(); s != "" {
				t.Logf("ffmpeg: %s", s)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// openWhenPublished opens s once ffmpeg has announced the stream.
func openWhenPublished(t *testing.T, s Source) error {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := s.Open(ctx)
		cancel()
		if err == nil || !strings.Contains(err.Error(), "404") || time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func newRTSP(t *testing.T, url string) Source {
	t.Helper()
	s, err := Open(config.Source{Name: "cam", Kind: "rtsp", Path: url}, 4096*4096)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// An MJPEG camera's frames arrive decoded to grey at the video's size.
func TestRTSPMJPEGFromFFmpeg(t *testing.T) {
	url := startRelay(t)
	publish(t, url, "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-huffman", "default", "-q:v", "5")
	s := newRTSP(t, url)
	if err := openWhenPublished(t, s); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t0 := time.Now()
	for i := range 10 {
		f, err := s.Next(ctx)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		// yuvj420p: the decoder's colour image, kept as decoded.
		if _, ok := f.Image.(*image.YCbCr); !ok || f.Image.Bounds() != image.Rect(0, 0, 640, 480) {
			t.Fatalf("frame %d: %T %v, want a 640x480 YCbCr image", i, f.Image, f.Image.Bounds())
		}
	}
	// ffmpeg sends at the video's 10 fps (-re): the source does not make
	// frames up or replay old ones.
	if d := time.Since(t0); d < 600*time.Millisecond {
		t.Errorf("10 frames in %v at 10 fps", d)
	}
}

type countObserver struct {
	frames     atomic.Int64
	reconnects chan string
}

func (o *countObserver) Up(bool)                    {}
func (o *countObserver) Frame(Frame, time.Duration) { o.frames.Add(1) }
func (o *countObserver) FrameError(error)           {}
func (o *countObserver) Reconnect(reason string, err error) {
	select {
	case o.reconnects <- fmt.Sprintf("%s: %v", reason, err):
	default:
	}
}

// A camera that goes away is reconnected with backoff, and its frames
// come again when it is back.
func TestRTSPReconnects(t *testing.T) {
	url := startRelay(t)
	stop := publish(t, url, "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-huffman", "default")
	o := &countObserver{reconnects: make(chan string, 100)}
	r := &Runner{Source: newRTSP(t, url), Watchdog: 5 * time.Second, Observer: o,
		Backoff: Backoff{Min: 100 * time.Millisecond, Max: time.Second}, Emit: func(Frame) {}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !ok(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no %s in 20 s", what)
			}
		}
	}
	waitFor("frames", func() bool { return o.frames.Load() >= 5 })
	for len(o.reconnects) > 0 {
		<-o.reconnects // tries before ffmpeg had announced
	}
	stop()
	select {
	case why := <-o.reconnects:
		if !strings.HasPrefix(why, "error: ") && !strings.HasPrefix(why, "silent") {
			t.Errorf("reconnect after the camera left: %s", why)
		}
		t.Logf("camera gone: %s", why)
	case <-time.After(15 * time.Second):
		t.Fatal("no reconnect in 15 s after the camera left")
	}
	before := o.frames.Load()
	publish(t, url, "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-huffman", "default")
	waitFor("frames after the camera came back", func() bool { return o.frames.Load() >= before+5 })
}

// An H.264 camera is refused, saying what reads it.
func TestRTSPRefusesH264(t *testing.T) {
	url := startRelay(t)
	publish(t, url, "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency")
	s := newRTSP(t, url)
	err := openWhenPublished(t, s)
	if err == nil {
		s.Close()
		t.Fatal("an H.264 stream opened")
	}
	if !errors.Is(err, ErrRTSPCodec) {
		t.Fatalf("%v, want ErrRTSPCodec", err)
	}
	for _, want := range []string{url, "H264", "MJPEG only", "-tags gocv", "kind video"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
}

// Only rtsp:// and rtsps:// URLs are RTSP sources; a password in one is
// kept out of the errors.
func TestRTSPConfig(t *testing.T) {
	for _, bad := range []string{"/dev/video0", "http://cam/stream", "rtsp://"} {
		if _, err := Open(config.Source{Name: "c", Kind: "rtsp", Path: bad}, 1); err == nil {
			t.Errorf("%q opened as rtsp", bad)
		}
	}
	port := strconv.Itoa(freePort(t))
	s := newRTSP(t, "rtsp://admin:secret@127.0.0.1:"+port+"/cam")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.Open(ctx)
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("open of a closed port: %v", err)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
