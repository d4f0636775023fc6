package preprocess_test

import (
	"fmt"

	"github.com/sliced-ai/sliced/engine/preprocess"
)

func ExamplePreprocessor_FromGray() {
	// A 320x240 luma frame: light paper with a dark vertical stroke, as a
	// camera would deliver it (a GoCV Mat's bytes, or V4L2 Y samples).
	const w, h = 320, 240
	frame := make([]byte, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			frame[y*w+x] = 200
			if x >= 150 && x < 165 && y >= 60 && y < 180 {
				frame[y*w+x] = 30
			}
		}
	}
	p := preprocess.New() // keep it: its buffers are reused frame after frame
	tensor := make([]float32, preprocess.Size*preprocess.Size)
	info, err := p.FromGray(tensor, frame, w, h, w)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(info.Mode, "inverted:", info.Inverted, "digit at", info.Box)
	// The stroke is now bright, 20 pixels tall, centred on the canvas.
	for _, y := range []int{4, 5, 24, 25} {
		fmt.Println(y, tensor[y*28+12], tensor[y*28+13], tensor[y*28+15], tensor[y*28+16])
	}
	// Output:
	// frame inverted: true digit at (150,60)-(165,180)
	// 4 0 0 0 0
	// 5 0 1 1 0
	// 24 0 1 1 0
	// 25 0 0 0 0
}
