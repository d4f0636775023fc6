//go:build gocv

package main

import (
	"fmt"
	"image"
	"image/color"
	"os"

	"gocv.io/x/gocv"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gocvsmoke:", err)
		os.Exit(1)
	}
}

func run() error {
	// A dark bar on lit paper, like a digit "1" in a 640x480 frame.
	frame := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(220, 0, 0, 0), 480, 640, gocv.MatTypeCV8U)
	defer frame.Close()
	gocv.Rectangle(&frame, image.Rect(300, 140, 340, 340), color.RGBA{R: 20, G: 20, B: 20}, -1)

	blur := gocv.NewMat()
	defer blur.Close()
	gocv.GaussianBlur(frame, &blur, image.Pt(5, 5), 0, 0, gocv.BorderDefault)

	bin := gocv.NewMat()
	defer bin.Close()
	otsu := gocv.Threshold(blur, &bin, 0, 255, gocv.ThresholdBinaryInv|gocv.ThresholdOtsu)
	m := gocv.Moments(bin, true)
	if m["m00"] == 0 {
		return fmt.Errorf("threshold found no object")
	}

	small := gocv.NewMat()
	defer small.Close()
	gocv.Resize(bin, &small, image.Pt(28, 28), 0, 0, gocv.InterpolationArea)

	buf, err := gocv.IMEncode(gocv.PNGFileExt, small)
	if err != nil {
		return fmt.Errorf("png encode: %w", err)
	}
	defer buf.Close()
	back, err := gocv.IMDecode(buf.GetBytes(), gocv.IMReadGrayScale)
	if err != nil {
		return fmt.Errorf("png decode: %w", err)
	}
	defer back.Close()
	if back.Rows() != 28 || back.Cols() != 28 {
		return fmt.Errorf("png round trip gave %dx%d, want 28x28", back.Cols(), back.Rows())
	}

	fmt.Printf("opencv=%s otsu=%.0f area=%.0f cx=%.1f cy=%.1f nonzero28=%d\n",
		gocv.OpenCVVersion(), otsu, m["m00"], m["m10"]/m["m00"], m["m01"]/m["m00"], gocv.CountNonZero(back))
	return nil
}
