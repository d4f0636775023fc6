package source

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/pion/rtp"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
)

func init() { Register("rtsp", openRTSP) }

// ErrRTSPCodec is the error of a stream that has no video this build
// decodes: an H.264 or H.265 camera, for one.
var ErrRTSPCodec = errors.New("no MJPEG video in the stream")

func openRTSP(c config.Source, maxPixels int64) (Source, error) {
	u, err := url.Parse(c.Path)
	if err != nil || (u.Scheme != "rtsp" && u.Scheme != "rtsps") || u.Host == "" {
		return nil, fmt.Errorf("rtsp %s: want rtsp://HOST[:PORT]/PATH", redact(c.Path))
	}
	return &RTSP{URL: c.Path, FPS: c.FPS, MaxPixels: maxPixels}, nil
}

// RTSP plays a camera's RTSP stream in pure Go (gortsplib) and decodes its
// MJPEG frames to the decoder's *image.YCbCr, as Video does. H.264 is refused with ErrRTSPCodec: no pure-Go
// H.264 decoder is fit for a camera's rate, and OpenCV's (kind video with
// the same URL, -tags gocv) is. Frames that arrive while one is being
// used are dropped, keeping the newest: a live source must not queue.
// When the stream stops, Next fails and the Runner reconnects with backoff.
type RTSP struct {
	URL       string
	FPS       float64 // 0: every frame the camera sends, as fast as it is used
	MaxPixels int64

	c      *gortsplib.Client
	frames chan []byte
	done   chan error // the client's end
	pace   Pacer
}

// Open implements Source: DESCRIBE, SETUP of the MJPEG video, PLAY.
func (s *RTSP) Open(ctx context.Context) error {
	u, err := base.ParseURL(s.URL)
	if err != nil {
		return fmt.Errorf("rtsp %s: %w", redact(s.URL), err)
	}
	c := &gortsplib.Client{
		ReadTimeout: 10 * time.Second,
		// Their default is the standard logger, outside the daemon's log: a
		// switch to TCP is normal, a lost packet costs a frame the pacer
		// does not miss, and a stream that stops is reported by Next.
		OnTransportSwitch: func(error) {},
		OnPacketLost:      func(error) {},
		OnDecodeError:     func(error) {},
	}
	if err := c.Start(u.Scheme, u.Host); err != nil {
		return fmt.Errorf("rtsp %s: %w", redact(s.URL), err)
	}
	// The client's requests take no context: closing it ends them.
	stop := context.AfterFunc(ctx, c.Close)
	err = s.play(c, u)
	if !stop() || err != nil {
		c.Close()
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return fmt.Errorf("rtsp %s: %w", redact(s.URL), err)
	}
	return nil
}

func (s *RTSP) play(c *gortsplib.Client, u *base.URL) error {
	desc, _, err := c.Describe(u)
	if err != nil {
		return err
	}
	var mj *format.MJPEG
	medi := desc.FindFormat(&mj)
	if medi == nil {
		return fmt.Errorf("%w (it has %s): this build decodes MJPEG only; set the camera to MJPEG, or read H.264 with a build with -tags gocv as kind video with the same URL",
			ErrRTSPCodec, formats(desc))
	}
	dec, err := mj.CreateDecoder()
	if err != nil {
		return err
	}
	if _, err := c.Setup(desc.BaseURL, medi, 0, 0); err != nil {
		return err
	}
	frames := make(chan []byte, 1)
	c.OnPacketRTP(medi, mj, func(pkt *rtp.Packet) {
		jpg, err := dec.Decode(pkt)
		if err != nil {
			return // more packets needed, or a frame lost in transit
		}
		select {
		case frames <- jpg:
		default:
			select { // drop the older frame for this one
			case <-frames:
			default:
			}
			frames <- jpg
		}
	})
	if _, err := c.Play(nil); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	s.c, s.frames, s.done, s.pace = c, frames, done, NewPacer(s.FPS)
	return nil
}

// Next implements Source.
func (s *RTSP) Next(ctx context.Context) (Frame, error) {
	if s.c == nil {
		return Frame{}, errors.New("rtsp: not open")
	}
	if !s.pace.Wait(ctx.Done()) {
		return Frame{}, ctx.Err()
	}
	var jpg []byte
	select {
	case <-ctx.Done():
		return Frame{}, ctx.Err()
	case err := <-s.done:
		s.done <- err // for a later call
		// %v: a camera that hangs up is a failure to reconnect from, not
		// the io.EOF that ends a file.
		return Frame{}, fmt.Errorf("rtsp %s: stream ended: %v", redact(s.URL), err)
	case jpg = <-s.frames:
	}
	t0 := time.Now()
	m, _, err := prep.Decode(jpg, s.MaxPixels)
	if err != nil {
		return Frame{}, &FrameError{Err: fmt.Errorf("rtsp %s: frame: %w", redact(s.URL), err)}
	}
	return Frame{Image: m, Time: t0, Capture: time.Since(t0)}, nil
}

// Close implements Source.
func (s *RTSP) Close() error {
	if s.c == nil {
		return nil
	}
	s.c.Close()
	s.c = nil
	return nil
}

// formats names the stream's formats for the refusal.
func formats(d *description.Session) string {
	var names []string
	for _, m := range d.Medias {
		for _, f := range m.Formats {
			names = append(names, f.Codec())
		}
	}
	if len(names) == 0 {
		return "no formats"
	}
	return strings.Join(names, ", ")
}

// redact keeps a camera's password out of logs and errors.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}
