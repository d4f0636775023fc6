// Package v4l2 captures camera frames through Video4Linux2 in pure Go (ioctls
// through golang.org/x/sys/unix, no cgo, no OpenCV), for the static binaries
// that run on boards whose C libraries do not match a cgo build: the Jetson
// Nano on JetPack 4.6 (glibc 2.27) runs the static linux/arm64 build with a
// USB camera through this package.
//
// The device is opened, asked for its capabilities (VIDIOC_QUERYCAP), set to
// the requested size in MJPEG or YUYV (VIDIOC_S_FMT; the driver may pick
// another size, which Device.Format reports), and streamed from a ring of
// memory-mapped buffers (VIDIOC_REQBUFS, VIDIOC_QUERYBUF, mmap, VIDIOC_QBUF,
// VIDIOC_STREAMON, then VIDIOC_DQBUF and VIDIOC_QBUF per frame).
//
// A gray classifier needs luma only, so Next's frames are *image.Gray: YUYV
// keeps every other byte; MJPEG is decoded with image/jpeg and its Y plane is
// used as is. Read with color gives an RGB classifier colour instead, as an
// *image.YCbCr: the decoded MJPEG frame, or YUYV unpacked to 4:2:2. Many webcams send MJPEG frames without Huffman tables (they rely
// on the standard ones); those are added before decoding.
//
// A corrupt frame (an MJPEG frame that does not decode, a short YUYV frame, a
// buffer the driver flags V4L2_BUF_FLAG_ERROR) gives an error wrapping
// ErrBadFrame: the stream goes on and the next Next reads the next frame.
// A missing device gives an error wrapping ErrNoDevice; a device that is not a
// capture device, or offers neither MJPEG nor YUYV, says so. The service's
// user needs the video group (the systemd unit gives it).
//
// The ioctl numbers are computed from the sizes of the Go mirrors of the
// kernel structs, so they are right on 64-bit and 32-bit ARM alike; tests pin
// both the sizes and the numbers to the values of linux/videodev2.h.
package v4l2
