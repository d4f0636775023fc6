package imageio_test

import (
	"fmt"
	"strings"

	"github.com/sliced-ai/sliced/engine/imageio"
)

func ExampleDecoder_Decode() {
	// A 3x2 ASCII graymap; PNG and JPEG are read the same way.
	pgm := "P2\n3 2\n255\n0 128 255\n255 128 0\n"
	d := imageio.Decoder{MaxPixels: 1 << 20}
	img, format, err := d.Decode(strings.NewReader(pgm))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(format, img.Bounds().Dx(), img.Bounds().Dy())

	_, _, err = imageio.Decoder{MaxPixels: 4}.Decode(strings.NewReader(pgm))
	fmt.Println(err)
	// Output:
	// pgm 3 2
	// imageio: image too large: pgm of 3x2 pixels exceeds the limit of 4
}
