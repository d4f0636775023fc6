package liveview

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/engine"
)

// maxWidth keeps streamed frames small: the page is for a glance.
const maxWidth = 640

// Annotate draws the frame of a source's latest results, one per region,
// scaled to at most 640 pixels wide, and encodes it as JPEG. One unnamed
// region gets a banner of label, score and latency and the object's box;
// named regions are each a box labelled with its name and answer, in the
// colour of the answer. The newest frame among rs is drawn.
func Annotate(rs ...pipeline.Result) ([]byte, error) {
	var r pipeline.Result
	for _, x := range rs {
		if x.Frame.Image != nil && (r.Frame.Image == nil || x.Frame.Seq > r.Frame.Seq) {
			r = x
		}
	}
	if r.Frame.Image == nil {
		return nil, errors.New("liveview: no frame to draw")
	}
	src := r.Frame.Image
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > maxWidth {
		w, h = maxWidth, h*maxWidth/w
	}
	const banner = 20
	m := image.NewRGBA(image.Rect(0, 0, w, h+banner))
	draw.ApproxBiLinear.Scale(m, image.Rect(0, banner, w, h+banner), src, b, draw.Src, nil)
	// A box of the frame in the scaled frame.
	scaled := func(box image.Rectangle) image.Rectangle {
		sx := func(x int) int { return (x - b.Min.X) * w / b.Dx() }
		sy := func(y int) int { return (y-b.Min.Y)*h/b.Dy() + banner }
		return image.Rect(sx(box.Min.X), sy(box.Min.Y), sx(box.Max.X), sy(box.Max.Y))
	}
	named := len(rs) > 1 || rs[0].Region != ""
	if !named && !r.Box.Empty() && r.Err == nil {
		// The object the label belongs to.
		outline(m, scaled(r.Box), color.RGBA{0, 200, 0, 255})
	}
	if named {
		for _, x := range rs {
			if x.Box.Empty() {
				continue // a region outside the frame: the banner says so
			}
			text, ink := regionLabel(x)
			box := scaled(x.Box)
			outline(m, box, ink)
			tag(m, box, banner, text, ink)
		}
	}
	draw.Draw(m, image.Rect(0, 0, w, banner), image.NewUniform(color.RGBA{20, 20, 20, 255}), image.Point{}, draw.Src)
	text, ink := Banner(r)
	if named {
		text, ink = regionsBanner(r, rs)
	}
	d := font.Drawer{Dst: m, Src: image.NewUniform(ink), Face: basicfont.Face7x13, Dot: fixed.P(4, 15)}
	d.DrawString(text)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 75}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Inks of the banner.
var (
	inkKnown   = color.RGBA{120, 255, 120, 255}
	inkUnknown = color.RGBA{255, 210, 80, 255}
	inkError   = color.RGBA{255, 140, 100, 255}
)

// Banner is the line drawn above a frame and its colour: source, frame
// number, label, score, latency and backend. An answer like none of the
// classes reads "unknown" with the class it came nearest to.
func Banner(r pipeline.Result) (string, color.RGBA) {
	if r.Err != nil {
		return fmt.Sprintf("%s  #%d  %v", r.Source, r.Frame.Seq, r.Err), inkError
	}
	label, ink := r.Answer.Class, inkKnown
	if label == engine.Unknown && !r.Answer.Known {
		ink = inkUnknown
		if r.Answer.Nearest != "" {
			label += " (nearest " + r.Answer.Nearest + ")"
		}
	}
	return fmt.Sprintf("%s  #%d  %s %.2f  %.2f ms  %s", r.Source, r.Frame.Seq, label, r.Answer.Score,
		float64(r.Total)/1e6, r.Answer.Backend.Name), ink
}

// outline draws a two-pixel rectangle border.
func outline(m *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Inset(-2).Intersect(m.Rect)
	u := image.NewUniform(c)
	for _, e := range []image.Rectangle{
		{r.Min, image.Pt(r.Max.X, r.Min.Y+2)}, {image.Pt(r.Min.X, r.Max.Y-2), r.Max},
		{r.Min, image.Pt(r.Min.X+2, r.Max.Y)}, {image.Pt(r.Max.X-2, r.Min.Y), r.Max},
	} {
		draw.Draw(m, e.Intersect(m.Rect), u, image.Point{}, draw.Src)
	}
}
