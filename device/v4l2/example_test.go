package v4l2_test

import (
	"fmt"
	"image"

	"github.com/sliced-ai/sliced/device/v4l2"
)

// YUYV frames keep their luma bytes; on a board they come from Device.Next:
//
//	d, err := v4l2.Open(v4l2.Config{Device: "/dev/video0", Width: 640, Height: 480})
//	...
//	img, capturedAt, err := d.Next(ctx)
func ExampleYUYVToGray() {
	frame := []byte{16, 128, 235, 128, 100, 90, 50, 240} // Y0 U Y1 V Y2 U Y3 V
	var g image.Gray
	if err := v4l2.YUYVToGray(&g, frame, 4, 1, 8); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.Pix)
	// Output: [16 235 100 50]
}
