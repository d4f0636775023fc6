package avi_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"

	"github.com/sliced-ai/sliced/calibration/synth"
	"github.com/sliced-ai/sliced/device/avi"
)

// Reading the frames of an MJPEG AVI and decoding each to grey.
func ExampleReader() {
	var frame bytes.Buffer
	jpeg.Encode(&frame, image.NewGray(image.Rect(0, 0, 64, 48)), nil)
	var file bytes.Buffer
	synth.WriteAVI(&file, [][]byte{frame.Bytes(), frame.Bytes()}, 64, 48, 10)

	r, err := avi.NewReader(bytes.NewReader(file.Bytes()), int64(file.Len()))
	if err != nil {
		fmt.Println(err)
		return
	}
	info := r.Info()
	fmt.Println(info.Codec, info.Width, info.Height, info.FrameDuration)
	for {
		data, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err) // avi.ErrBadFrame: skip it and go on
			continue
		}
		m, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%T %v\n", m, m.Bounds().Size())
	}
	// Output:
	// MJPG 64 48 100ms
	// *image.Gray (64,48)
	// *image.Gray (64,48)
}
