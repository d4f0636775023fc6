//go:build linux

package v4l2

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// pollSlice bounds a wait for a frame, so that Next notices ctx.
const pollSlice = 100 * time.Millisecond

// Device is an open, streaming capture device. It is not safe for concurrent
// use: one goroutine calls Next.
type Device struct {
	path   string
	fd     int
	bufs   [][]byte
	width  int
	height int
	stride int
	pix    PixelFormat
	gray   image.Gray // YUYV frames are converted into this, reused
}

// Open opens cfg.Device, sets its format and starts streaming.
func Open(cfg Config) (*Device, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	fd, err := unix.Open(cfg.Device, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("v4l2: open %s: %w (is a camera connected? ls /dev/video*)", cfg.Device, ErrNoDevice)
		}
		return nil, fmt.Errorf("v4l2: open %s: %w", cfg.Device, err)
	}
	d := &Device{path: cfg.Device, fd: fd}
	if err := d.setup(cfg); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *Device) setup(cfg Config) error {
	var c capability
	if err := ioctl(d.fd, vidiocQueryCap, unsafe.Pointer(&c)); err != nil {
		switch {
		case errors.Is(err, unix.ENOTTY), errors.Is(err, unix.EINVAL):
			return fmt.Errorf("v4l2 %s: not a V4L2 device", d.path)
		case errors.Is(err, unix.ENOSYS):
			// qemu-user answers unknown ioctls so.
			return fmt.Errorf("v4l2 %s: not a V4L2 device, or the ioctl is not passed through (emulator?)", d.path)
		}
		return fmt.Errorf("v4l2 %s: VIDIOC_QUERYCAP: %w", d.path, err)
	}
	caps := c.Capabilities
	if caps&capDeviceCaps != 0 {
		caps = c.DeviceCaps
	}
	if caps&capVideoCapture == 0 || caps&capStreaming == 0 {
		return fmt.Errorf("v4l2 %s (%s): not a streaming capture device (caps %#x); try another /dev/video*", d.path, cstr(c.Card[:]), caps)
	}
	if err := d.setFormat(cfg); err != nil {
		return err
	}
	return d.startStreaming(cfg.Buffers)
}

// setFormat asks for each preferred format in turn and keeps the first the
// driver accepts as is.
func (d *Device) setFormat(cfg Config) error {
	var got []string
	for _, want := range cfg.Format {
		f := format{Type: bufTypeVideoCapture}
		p := f.pix()
		p.Width, p.Height, p.PixelFormat, p.Field = uint32(cfg.Width), uint32(cfg.Height), uint32(want), fieldAny
		if err := ioctl(d.fd, vidiocSetFmt, unsafe.Pointer(&f)); err != nil {
			return fmt.Errorf("v4l2 %s: VIDIOC_S_FMT %v %dx%d: %w", d.path, want, cfg.Width, cfg.Height, err)
		}
		if PixelFormat(p.PixelFormat) != want {
			got = append(got, PixelFormat(p.PixelFormat).String())
			continue
		}
		d.pix, d.width, d.height = want, int(p.Width), int(p.Height)
		d.stride = int(p.BytesPerLine)
		if d.pix == YUYV && d.stride < 2*d.width {
			d.stride = 2 * d.width
		}
		return nil
	}
	return fmt.Errorf("v4l2 %s: the driver offers %v instead of %v; only MJPG and YUYV are decoded", d.path, got, cfg.Format)
}

func (d *Device) startStreaming(n int) error {
	req := requestBuffers{Count: uint32(n), Type: bufTypeVideoCapture, Memory: memoryMmap}
	if err := ioctl(d.fd, vidiocReqBufs, unsafe.Pointer(&req)); err != nil {
		return fmt.Errorf("v4l2 %s: VIDIOC_REQBUFS: %w", d.path, err)
	}
	if req.Count < 2 {
		return fmt.Errorf("v4l2 %s: driver gave %d buffers, need 2", d.path, req.Count)
	}
	for i := uint32(0); i < req.Count; i++ {
		b := buffer{Index: i, Type: bufTypeVideoCapture, Memory: memoryMmap}
		if err := ioctl(d.fd, vidiocQueryBuf, unsafe.Pointer(&b)); err != nil {
			return fmt.Errorf("v4l2 %s: VIDIOC_QUERYBUF %d: %w", d.path, i, err)
		}
		m, err := unix.Mmap(d.fd, b.offset(), int(b.Length), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
		if err != nil {
			return fmt.Errorf("v4l2 %s: mmap buffer %d: %w", d.path, i, err)
		}
		d.bufs = append(d.bufs, m)
		if err := ioctl(d.fd, vidiocQBuf, unsafe.Pointer(&b)); err != nil {
			return fmt.Errorf("v4l2 %s: VIDIOC_QBUF %d: %w", d.path, i, err)
		}
	}
	typ := int32(bufTypeVideoCapture)
	if err := ioctl(d.fd, vidiocStreamOn, unsafe.Pointer(&typ)); err != nil {
		return fmt.Errorf("v4l2 %s: VIDIOC_STREAMON: %w", d.path, err)
	}
	return nil
}

// Format returns the frame size and pixel format the driver settled on.
func (d *Device) Format() (width, height int, pix PixelFormat) { return d.width, d.height, d.pix }

// Next waits for the next frame and returns its luma plane and capture time.
// The image is valid until the next call. It returns ctx's error when ctx ends,
// and an error wrapping ErrBadFrame for a corrupt frame, after which the
// device can be read on.
func (d *Device) Next(ctx context.Context) (*image.Gray, time.Time, error) {
	img, at, err := d.Read(ctx, false)
	if err != nil {
		return nil, at, err
	}
	return img.(*image.Gray), at, nil
}

// Read is Next with a choice: color gives the frame in colour as a new
// *image.YCbCr (the decoded JPEG, or the YUYV frame unpacked), kept by
// the caller as long as it likes; without it the frame is Next's
// *image.Gray, valid until the next call.
func (d *Device) Read(ctx context.Context, color bool) (image.Image, time.Time, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, time.Time{}, err
		}
		fds := []unix.PollFd{{Fd: int32(d.fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(pollSlice/time.Millisecond))
		if errors.Is(err, unix.EINTR) || (err == nil && n == 0) {
			continue
		}
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("v4l2 %s: poll: %w", d.path, err)
		}
		if fds[0].Revents&(unix.POLLERR|unix.POLLHUP|unix.POLLNVAL) != 0 {
			return nil, time.Time{}, fmt.Errorf("v4l2 %s: device gone (unplugged?)", d.path)
		}
		return d.dequeue(color)
	}
}

func (d *Device) dequeue(color bool) (image.Image, time.Time, error) {
	b := buffer{Type: bufTypeVideoCapture, Memory: memoryMmap}
	if err := ioctl(d.fd, vidiocDQBuf, unsafe.Pointer(&b)); err != nil {
		return nil, time.Time{}, fmt.Errorf("v4l2 %s: VIDIOC_DQBUF: %w", d.path, err)
	}
	at := time.Now()
	if int(b.Index) >= len(d.bufs) || int(b.BytesUsed) > len(d.bufs[b.Index]) {
		return nil, at, fmt.Errorf("v4l2 %s: driver returned buffer %d with %d bytes", d.path, b.Index, b.BytesUsed)
	}
	var img image.Image
	var err error
	if b.Flags&bufFlagError != 0 {
		err = fmt.Errorf("v4l2 %s: buffer %d: %w: the driver flagged it (V4L2_BUF_FLAG_ERROR)", d.path, b.Index, ErrBadFrame)
	} else {
		img, err = d.decode(d.bufs[b.Index][:b.BytesUsed], color)
	}
	// The buffer goes back to the driver whatever the frame held.
	if qerr := ioctl(d.fd, vidiocQBuf, unsafe.Pointer(&b)); qerr != nil && err == nil {
		err = fmt.Errorf("v4l2 %s: VIDIOC_QBUF: %w", d.path, qerr)
	}
	if err != nil {
		return nil, at, err
	}
	return img, at, nil
}

func (d *Device) decode(data []byte, color bool) (image.Image, error) {
	var img image.Image
	var err error
	switch {
	case d.pix == MJPEG && color:
		img, err = MJPEGDecode(data)
	case d.pix == MJPEG:
		img, err = MJPEGToGray(data)
	case color:
		img, err = YUYVToYCbCr(data, d.width, d.height, d.stride)
	default:
		if err = YUYVToGray(&d.gray, data, d.width, d.height, d.stride); err == nil {
			img = &d.gray
		}
	}
	if err != nil {
		return nil, fmt.Errorf("v4l2 %s: %w", d.path, err)
	}
	return img, nil
}

// Close stops streaming and releases the buffers and the device. It may be
// called more than once.
func (d *Device) Close() error {
	if d.fd < 0 {
		return nil
	}
	typ := int32(bufTypeVideoCapture)
	_ = ioctl(d.fd, vidiocStreamOff, unsafe.Pointer(&typ))
	for _, m := range d.bufs {
		_ = unix.Munmap(m)
	}
	d.bufs = nil
	err := unix.Close(d.fd)
	d.fd = -1
	return err
}

func cstr(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
