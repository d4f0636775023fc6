//go:build linux

package v4l2

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Linux ioctl request encoding (asm-generic/ioctl.h): dir<<30 | size<<16 | type<<8 | nr.
const (
	iocWrite = 1
	iocRead  = 2
)

func ioc(dir, nr, size uintptr) uintptr { return dir<<30 | size<<16 | 'V'<<8 | nr }

// Requests used here, sized from the struct mirrors below.
var (
	vidiocQueryCap  = ioc(iocRead, 0, unsafe.Sizeof(capability{}))
	vidiocGetFmt    = ioc(iocRead|iocWrite, 4, unsafe.Sizeof(format{}))
	vidiocSetFmt    = ioc(iocRead|iocWrite, 5, unsafe.Sizeof(format{}))
	vidiocReqBufs   = ioc(iocRead|iocWrite, 8, unsafe.Sizeof(requestBuffers{}))
	vidiocQueryBuf  = ioc(iocRead|iocWrite, 9, unsafe.Sizeof(buffer{}))
	vidiocQBuf      = ioc(iocRead|iocWrite, 15, unsafe.Sizeof(buffer{}))
	vidiocDQBuf     = ioc(iocRead|iocWrite, 17, unsafe.Sizeof(buffer{}))
	vidiocStreamOn  = ioc(iocWrite, 18, unsafe.Sizeof(int32(0)))
	vidiocStreamOff = ioc(iocWrite, 19, unsafe.Sizeof(int32(0)))
)

// Constants of linux/videodev2.h.
const (
	capVideoCapture = 0x00000001
	capStreaming    = 0x04000000
	capDeviceCaps   = 0x80000000

	bufTypeVideoCapture = 1
	memoryMmap          = 1
	fieldAny            = 0
	bufFlagError        = 0x00000040 // V4L2_BUF_FLAG_ERROR: the data may be corrupt
)

// capability mirrors struct v4l2_capability (104 bytes).
type capability struct {
	Driver       [16]byte
	Card         [32]byte
	BusInfo      [32]byte
	Version      uint32
	Capabilities uint32
	DeviceCaps   uint32
	Reserved     [3]uint32
}

// pixFormat mirrors struct v4l2_pix_format (48 bytes).
type pixFormat struct {
	Width        uint32
	Height       uint32
	PixelFormat  uint32
	Field        uint32
	BytesPerLine uint32
	SizeImage    uint32
	Colorspace   uint32
	Priv         uint32
	Flags        uint32
	YcbcrEnc     uint32
	Quantization uint32
	XferFunc     uint32
}

// format mirrors struct v4l2_format: a type and a 200-byte union that holds
// pointers, hence pointer-aligned (208 bytes on 64-bit, 204 on 32-bit).
type format struct {
	Type uint32
	Fmt  [200 / unsafe.Sizeof(uintptr(0))]uintptr
}

func (f *format) pix() *pixFormat { return (*pixFormat)(unsafe.Pointer(&f.Fmt)) }

// requestBuffers mirrors struct v4l2_requestbuffers (20 bytes).
type requestBuffers struct {
	Count        uint32
	Type         uint32
	Memory       uint32
	Capabilities uint32
	Flags        uint8
	Reserved     [3]uint8
}

// buffer mirrors struct v4l2_buffer (88 bytes on 64-bit, 68 on 32-bit). M is
// the union of offset (__u32), userptr (unsigned long), planes and fd.
type buffer struct {
	Index     uint32
	Type      uint32
	BytesUsed uint32
	Flags     uint32
	Field     uint32
	Timestamp unix.Timeval
	Timecode  [4]uint32
	Sequence  uint32
	Memory    uint32
	M         uintptr
	Length    uint32
	Reserved2 uint32
	RequestFD int32
}

// offset is the mmap offset of an MMAP buffer: the union's first 32 bits,
// which on the little-endian targets are M's low bits.
func (b *buffer) offset() int64 { return int64(uint32(b.M)) }

// ioctl retries on EINTR; the camera driver may be interrupted by signals
// (the Go runtime sends them for preemption).
func ioctl(fd int, req uintptr, arg unsafe.Pointer) error {
	for {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg))
		switch e {
		case 0:
			return nil
		case unix.EINTR:
			continue
		default:
			return e
		}
	}
}
