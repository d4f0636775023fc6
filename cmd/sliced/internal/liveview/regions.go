package liveview

import (
	"fmt"
	"image"
	"image/color"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
)

// regionLabel is the tag of a named region's box, "door: open 0.93", and
// its colour: the state the region reports, smoothing applied.
func regionLabel(r pipeline.Result) (string, color.RGBA) {
	name := r.Region
	if name == "" {
		name = "roi"
	}
	switch l, ok := r.State(); {
	case !ok:
		return name + ": error", inkError
	case l == pipeline.StateNone:
		return name + ": " + l, inkError
	case !r.Answer.Known:
		return name + ": " + l, inkUnknown
	default:
		return fmt.Sprintf("%s: %s %.2f", name, l, r.Answer.Score), inkKnown
	}
}

// regionsBanner is the line above a frame of named regions: the source,
// the frame number, and the regions that could not be read.
func regionsBanner(r pipeline.Result, rs []pipeline.Result) (string, color.RGBA) {
	var bad []string
	for _, x := range rs {
		if _, ok := x.State(); !ok {
			bad = append(bad, fmt.Sprintf("%s: %v", x.Region, x.Err))
		}
	}
	text := fmt.Sprintf("%s  #%d  %d regions  %.2f ms", r.Source, r.Frame.Seq, len(rs), float64(r.Total)/1e6)
	if len(bad) > 0 {
		return text + "  " + strings.Join(bad, "; "), inkError
	}
	return text, inkKnown
}

// tag writes text on a dark strip at the top of box, inside the frame
// below the banner.
func tag(m *image.RGBA, box image.Rectangle, top int, text string, ink color.RGBA) {
	const lh = 14
	y := max(box.Min.Y-lh-2, top)
	strip := image.Rect(box.Min.X-2, y, box.Min.X+7*len(text)+4, y+lh).Intersect(m.Rect)
	draw.Draw(m, strip, image.NewUniform(color.RGBA{20, 20, 20, 255}), image.Point{}, draw.Src)
	d := font.Drawer{Dst: m, Src: image.NewUniform(ink), Face: basicfont.Face7x13, Dot: fixed.P(box.Min.X+1, y+11)}
	d.DrawString(text)
}
