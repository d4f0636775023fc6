//go:build gocv

package camera

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"gocv.io/x/gocv"
)

// ErrBadFrame marks one frame that could not be decoded; the capture goes
// on with the next.
var ErrBadFrame = errors.New("camera: bad frame")

// Config says what to open.
type Config struct {
	Kind   string // "video", "device" or "gstreamer"
	Path   string // file, /dev/videoN or index, or pipeline
	Loop   bool   // video files: start again at the end
	Width  int    // devices: requested frame size, 0 keeps the default
	Height int    //
	// Pace, when set, is called before every read and returns once the
	// next frame is due, or false when done closes: the daemon's frame
	// pacer. Nil reads as fast as frames come.
	Pace func(done <-chan struct{}) bool
	// Color, when set, is asked before every read whether the frame is
	// wanted in colour (an *image.RGBA); nil or false gives the luma
	// alone (an *image.Gray), which costs no colour conversion. Asked per
	// frame, so that a new engine of the other kind is fed at its next
	// frame without reopening the device.
	Color func() bool
}

// Capture is one video source. Open, Next and Close are called from one
// goroutine (the daemon's source runner).
type Capture struct {
	cfg    Config
	frames chan result
	stop   chan struct{}
	done   chan struct{}
}

type result struct {
	img  image.Image
	t    time.Time
	work time.Duration // read and convert
	err  error
}

// New checks the configuration; nothing is opened yet.
func New(c Config) (*Capture, error) {
	switch c.Kind {
	case "video", "device", "gstreamer":
	default:
		return nil, fmt.Errorf("camera: kind %q, want video, device or gstreamer", c.Kind)
	}
	if c.Path == "" {
		return nil, errors.New("camera: empty path")
	}
	return &Capture{cfg: c}, nil
}

func (c *Capture) open() (*gocv.VideoCapture, error) {
	var vc *gocv.VideoCapture
	var err error
	switch c.cfg.Kind {
	case "video":
		vc, err = gocv.VideoCaptureFile(c.cfg.Path)
	case "gstreamer":
		vc, err = gocv.VideoCaptureFileWithAPI(c.cfg.Path, gocv.VideoCaptureGstreamer)
	case "device":
		id, convErr := strconv.Atoi(strings.TrimPrefix(c.cfg.Path, "/dev/video"))
		if convErr != nil {
			vc, err = gocv.VideoCaptureFileWithAPI(c.cfg.Path, gocv.VideoCaptureV4L2)
		} else {
			vc, err = gocv.VideoCaptureDeviceWithAPI(id, gocv.VideoCaptureV4L2)
		}
	}
	if err != nil || !vc.IsOpened() {
		if vc != nil {
			vc.Close()
		}
		if err == nil {
			err = errors.New("not opened")
		}
		return nil, fmt.Errorf("camera %s %s: %w", c.cfg.Kind, c.cfg.Path, err)
	}
	if c.cfg.Width > 0 && c.cfg.Height > 0 {
		vc.Set(gocv.VideoCaptureFrameWidth, float64(c.cfg.Width))
		vc.Set(gocv.VideoCaptureFrameHeight, float64(c.cfg.Height))
	}
	return vc, nil
}

// Open opens the capture and starts its reader. Opening runs on the
// reader goroutine too, so a device or pipeline that hangs while opening
// cannot hold the caller past ctx: it is abandoned and closes itself if it
// ever opens.
func (c *Capture) Open(ctx context.Context) error {
	c.Close()
	frames, stop, done := make(chan result, 1), make(chan struct{}), make(chan struct{})
	opened := make(chan error, 1)
	go func() {
		vc, err := c.open()
		opened <- err
		if err != nil {
			close(done)
			return
		}
		c.read(vc, frames, stop, done)
	}()
	select {
	case err := <-opened:
		if err != nil {
			return err
		}
	case <-ctx.Done():
		close(stop)
		return fmt.Errorf("camera %s %s: opening: %w", c.cfg.Kind, c.cfg.Path, ctx.Err())
	}
	c.frames, c.stop, c.done = frames, stop, done
	return nil
}

// read owns vc: it reads frames until stopped or the source fails.
func (c *Capture) read(vc *gocv.VideoCapture, out chan<- result, stop, done chan struct{}) {
	defer close(done)
	defer vc.Close()
	mat, conv := gocv.NewMat(), gocv.NewMat()
	defer mat.Close()
	defer conv.Close()
	raw := rawJPEG(vc, c.cfg.Kind)
	send := func(r result) bool {
		select {
		case out <- r:
			return true
		case <-stop:
			return false
		}
	}
	for {
		select {
		case <-stop:
			return
		default:
		}
		if c.cfg.Pace != nil && !c.cfg.Pace(stop) {
			return
		}
		t0 := time.Now()
		if !vc.Read(&mat) || mat.Empty() {
			if c.cfg.Kind == "video" && c.cfg.Loop {
				vc.Set(gocv.VideoCapturePosFrames, 0)
				if vc.Read(&mat) && !mat.Empty() {
					goto got
				}
			}
			if c.cfg.Kind == "video" {
				send(result{err: io.EOF})
			} else {
				send(result{err: fmt.Errorf("camera %s: read failed", c.cfg.Path)})
			}
			return
		}
	got:
		t := time.Now()
		color := c.cfg.Color != nil && c.cfg.Color()
		var img image.Image
		var err error
		switch {
		case raw && mat.Rows() == 1 && color:
			img, err = decodeColor(mat, &conv)
		case raw && mat.Rows() == 1:
			img, err = decodeGray(mat)
		case color:
			img, err = toRGBA(mat, &conv)
		default:
			img, err = toGray(mat, &conv)
		}
		if !send(result{img: img, t: t, work: time.Since(t0), err: err}) {
			return
		}
	}
}

// rawJPEG switches an MJPEG video file to raw packets (FFmpeg's demux-only
// mode), so that frames are decoded straight to grey: a third less work
// than decoding to colour and converting.
func rawJPEG(vc *gocv.VideoCapture, kind string) bool {
	if kind != "video" || vc.CodecString() != "MJPG" {
		return false
	}
	vc.Set(gocv.VideoCaptureFormat, -1)
	return vc.Get(gocv.VideoCaptureFormat) == -1
}

// decodeGray decodes one raw JPEG packet to grey.
func decodeGray(packet gocv.Mat) (*image.Gray, error) {
	m, err := gocv.IMDecode(packet.ToBytes(), gocv.IMReadGrayScale)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadFrame, err)
	}
	defer m.Close()
	if m.Empty() {
		return nil, fmt.Errorf("%w: undecodable JPEG of %d bytes", ErrBadFrame, packet.Cols())
	}
	return toGray(m, nil)
}

// decodeColor decodes one raw JPEG packet to colour.
func decodeColor(packet gocv.Mat, conv *gocv.Mat) (*image.RGBA, error) {
	m, err := gocv.IMDecode(packet.ToBytes(), gocv.IMReadColor)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadFrame, err)
	}
	defer m.Close()
	if m.Empty() {
		return nil, fmt.Errorf("%w: undecodable JPEG of %d bytes", ErrBadFrame, packet.Cols())
	}
	return toRGBA(m, conv)
}

// toRGBA converts a BGR, BGRA or grey Mat to a new *image.RGBA: OpenCV
// swaps the channels, Go copies whole rows.
func toRGBA(m gocv.Mat, conv *gocv.Mat) (*image.RGBA, error) {
	switch m.Channels() {
	case 1:
		gocv.CvtColor(m, conv, gocv.ColorGrayToBGRA) // the same as RGBA for grey
	case 3:
		gocv.CvtColor(m, conv, gocv.ColorBGRToRGBA)
	case 4:
		gocv.CvtColor(m, conv, gocv.ColorBGRAToRGBA)
	default:
		return nil, fmt.Errorf("camera: frames of %d channels", m.Channels())
	}
	if conv.Type() != gocv.MatTypeCV8UC4 {
		return nil, fmt.Errorf("camera: frames of type %v, want 8-bit", m.Type())
	}
	w, h := conv.Cols(), conv.Rows()
	pix, err := conv.DataPtrUint8()
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	step := conv.Step()
	for y := 0; y < h; y++ {
		copy(img.Pix[y*img.Stride:(y+1)*img.Stride], pix[y*step:y*step+4*w])
	}
	return img, nil
}

// toGray converts a BGR, BGRA or grey Mat to a new *image.Gray.
func toGray(m gocv.Mat, gray *gocv.Mat) (*image.Gray, error) {
	src := m
	switch m.Channels() {
	case 1:
	case 3:
		gocv.CvtColor(m, gray, gocv.ColorBGRToGray)
		src = *gray
	case 4:
		gocv.CvtColor(m, gray, gocv.ColorBGRAToGray)
		src = *gray
	default:
		return nil, fmt.Errorf("camera: frames of %d channels", m.Channels())
	}
	if src.Type() != gocv.MatTypeCV8U {
		return nil, fmt.Errorf("camera: frames of type %v, want 8-bit", src.Type())
	}
	w, h := src.Cols(), src.Rows()
	pix, err := src.DataPtrUint8()
	if err != nil {
		return nil, err
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	step := src.Step()
	for y := 0; y < h; y++ {
		copy(img.Pix[y*w:(y+1)*w], pix[y*step:y*step+w])
	}
	return img, nil
}

// Frame is one captured frame.
type Frame struct {
	Image image.Image   // *image.Gray, or *image.RGBA when Config.Color asked
	Time  time.Time     // when the read returned it
	Work  time.Duration // reading, decoding and converting it
}

// Next returns the next frame, io.EOF at the end of a video file, or an
// error when the device failed. It honours ctx.
func (c *Capture) Next(ctx context.Context) (Frame, error) {
	if c.frames == nil {
		return Frame{}, errors.New("camera: not open")
	}
	select {
	case r := <-c.frames:
		if r.err != nil {
			return Frame{}, r.err
		}
		return Frame{Image: r.img, Time: r.t, Work: r.work}, nil
	case <-ctx.Done():
		return Frame{}, ctx.Err()
	}
}

// Close stops the reader. It waits briefly for the device to be released;
// a read stuck in the driver releases it when it returns. Idempotent.
func (c *Capture) Close() error {
	if c.stop == nil {
		return nil
	}
	closeOnce(c.stop)
	select {
	case <-c.done:
	case <-time.After(2 * time.Second):
	}
	c.stop, c.frames, c.done = nil, nil, nil
	return nil
}

var closeMu sync.Mutex

func closeOnce(ch chan struct{}) {
	closeMu.Lock()
	defer closeMu.Unlock()
	select {
	case <-ch:
	default:
		close(ch)
	}
}
