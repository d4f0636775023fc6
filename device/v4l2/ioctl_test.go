//go:build linux

package v4l2

import (
	"testing"
	"unsafe"
)

// The values of linux/videodev2.h, as a C program prints them with gcc on
// amd64 and arm64, and with arm-linux-gnueabihf-gcc for 32-bit ARM.
var want64 = map[string]uintptr{
	"QUERYCAP": 0x80685600, "G_FMT": 0xc0d05604, "S_FMT": 0xc0d05605, "REQBUFS": 0xc0145608,
	"QUERYBUF": 0xc0585609, "QBUF": 0xc058560f, "DQBUF": 0xc0585611, "STREAMON": 0x40045612, "STREAMOFF": 0x40045613,
}

var want32 = map[string]uintptr{
	"QUERYCAP": 0x80685600, "G_FMT": 0xc0cc5604, "S_FMT": 0xc0cc5605, "REQBUFS": 0xc0145608,
	"QUERYBUF": 0xc0445609, "QBUF": 0xc044560f, "DQBUF": 0xc0445611, "STREAMON": 0x40045612, "STREAMOFF": 0x40045613,
}

func is64() bool { return unsafe.Sizeof(uintptr(0)) == 8 }

func TestIoctlNumbers(t *testing.T) {
	want := want32
	if is64() {
		want = want64
	}
	got := map[string]uintptr{
		"QUERYCAP": vidiocQueryCap, "G_FMT": vidiocGetFmt, "S_FMT": vidiocSetFmt, "REQBUFS": vidiocReqBufs,
		"QUERYBUF": vidiocQueryBuf, "QBUF": vidiocQBuf, "DQBUF": vidiocDQBuf, "STREAMON": vidiocStreamOn, "STREAMOFF": vidiocStreamOff,
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("VIDIOC_%s = %#x, want %#x", name, got[name], w)
		}
	}
}

func TestStructLayouts(t *testing.T) {
	type layout struct {
		name      string
		got, want uintptr
	}
	fmtSize, bufSize, fmtOff := uintptr(204), uintptr(68), uintptr(4)
	off := map[string]uintptr{"timestamp": 20, "timecode": 28, "sequence": 44, "memory": 48, "m": 52, "length": 56, "request_fd": 64}
	if is64() {
		fmtSize, bufSize, fmtOff = 208, 88, 8
		off = map[string]uintptr{"timestamp": 24, "timecode": 40, "sequence": 56, "memory": 60, "m": 64, "length": 72, "request_fd": 80}
	}
	var b buffer
	var f format
	for _, l := range []layout{
		{"sizeof(v4l2_capability)", unsafe.Sizeof(capability{}), 104},
		{"sizeof(v4l2_pix_format)", unsafe.Sizeof(pixFormat{}), 48},
		{"sizeof(v4l2_format)", unsafe.Sizeof(f), fmtSize},
		{"offsetof(v4l2_format, fmt)", unsafe.Offsetof(f.Fmt), fmtOff},
		{"sizeof(v4l2_requestbuffers)", unsafe.Sizeof(requestBuffers{}), 20},
		{"sizeof(v4l2_buffer)", unsafe.Sizeof(b), bufSize},
		{"offsetof(v4l2_buffer, timestamp)", unsafe.Offsetof(b.Timestamp), off["timestamp"]},
		{"offsetof(v4l2_buffer, timecode)", unsafe.Offsetof(b.Timecode), off["timecode"]},
		{"offsetof(v4l2_buffer, sequence)", unsafe.Offsetof(b.Sequence), off["sequence"]},
		{"offsetof(v4l2_buffer, memory)", unsafe.Offsetof(b.Memory), off["memory"]},
		{"offsetof(v4l2_buffer, m)", unsafe.Offsetof(b.M), off["m"]},
		{"offsetof(v4l2_buffer, length)", unsafe.Offsetof(b.Length), off["length"]},
		{"offsetof(v4l2_buffer, request_fd)", unsafe.Offsetof(b.RequestFD), off["request_fd"]},
	} {
		if l.got != l.want {
			t.Errorf("%s = %d, want %d", l.name, l.got, l.want)
		}
	}
}

func TestPixFormatInUnion(t *testing.T) {
	f := format{Type: bufTypeVideoCapture}
	f.pix().Width, f.pix().PixelFormat = 640, uint32(YUYV)
	raw := (*[unsafe.Sizeof(format{})]byte)(unsafe.Pointer(&f))
	o := unsafe.Offsetof(f.Fmt)
	// Little-endian: width's low byte first, the fourcc's bytes in order.
	if raw[o] != 0x80 || raw[o+1] != 0x02 || string(raw[o+8:o+12]) != "YUYV" {
		t.Fatalf("pix format bytes % x", raw[o:o+12])
	}
}

func TestBufferOffset(t *testing.T) {
	b := buffer{M: 0x12345000}
	if b.offset() != 0x12345000 {
		t.Fatalf("offset %#x", b.offset())
	}
}
