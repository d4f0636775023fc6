package engine

import (
	"github.com/sliced-ai/sliced/engine/knn"
)

// Shifted views for the open-set rule. A shape no class was trained on
// can land inside a class's radius by chance; moved by one pixel it lands
// elsewhere, while a frame of the class stays near its mean (the
// prototypes were learned on shifted copies). So where the first answer
// is near the radius, the distance compared with it is the mean over the
// frame and its four one-pixel shifts. Measured on the default engine,
// 1,000 camera-like digit frames and 1,000 frames of 25 shapes no engine
// trained on (calibration/enrolment): digits 98.0 -> 98.2 % right with
// unknown counted wrong, the shapes 81.6 -> 84.1 % unknown; at the same
// digit accuracy the shapes gain 4 points over the one-view rule.
//
// Only digit engines take views: their input is an ink blob on a blank
// ground that a one-pixel move keeps whole, where a region or whole-frame
// input would gain a blank edge.

// DefaultUnknownViews is how many views the open-set rule averages: the
// frame and its shifts one pixel left, right, up and down.
const DefaultUnknownViews = 5

// Views are only taken where the first view's distance over the radius
// is within [viewsFrom, viewsTo]. On the default engine's 10,000
// calibration frames the answers the views changed lay at 0.89-1.09 of
// the radius (0.87-1.12 on the 10,000 MNIST test images); 95 % of digit
// frames lie outside the band and cost one view.
const (
	viewsFrom = 0.85
	viewsTo   = 1.2
)

// viewShifts are the (dx, dy) moves of the views after the frame itself.
var viewShifts = [DefaultUnknownViews - 1][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}

// takesViews says whether the session averages views for its engine.
func (s *Session) takesViews() bool {
	c := s.e.KNN
	return s.UnknownViews > 1 && c != nil && c.Open.Gaussian() && s.e.Prep.Mode == PrepDigit && s.UnknownScale > 0
}

// views revisits p, the answer for input in with features feat and k-NN
// result r, by the mean distance over shifted views when the first is
// near the radius: Known and Score then follow that mean.
func (s *Session) views(in, feat []float32, r knn.Result, p *Prediction) error {
	c := s.e.KNN.Open
	l := r.Label
	if l < 0 || l == c.Other || l >= len(c.Radius) || c.Radius[l] <= 0 || len(feat) != s.e.KNN.Dim {
		return nil
	}
	rad := float64(c.Radius[l])
	d := c.Mahalanobis(feat, l)
	if ratio := d / (s.UnknownScale * rad); ratio < viewsFrom || ratio > viewsTo {
		return nil
	}
	n := min(s.UnknownViews, DefaultUnknownViews)
	s.view = grow(s.view, len(in))
	sum := d
	for _, sh := range viewShifts[:n-1] {
		s.shift(s.view, in, sh[0], sh[1])
		f, err := s.Features(s.view)
		if err != nil {
			return err
		}
		sum += c.Mahalanobis(f, l)
	}
	mean := sum / float64(n)
	p.Known = mean <= s.UnknownScale*rad
	p.Score = r.Score * knn.Closeness(mean/rad)
	return nil
}

// shift writes in moved by (dx, dy) pixels to dst, each channel's new
// edge blank: the value a pixel of no ink normalises to.
func (s *Session) shift(dst, in []float32, dx, dy int) {
	sh := s.e.Stack.In
	plane := sh.H * sh.W
	for ch := 0; ch < sh.C; ch++ {
		mean, scale := s.e.Prep.Norm(ch)
		blank := -mean * scale
		src, out := in[ch*plane:(ch+1)*plane], dst[ch*plane:(ch+1)*plane]
		for y := 0; y < sh.H; y++ {
			sy := y - dy
			for x := 0; x < sh.W; x++ {
				sx := x - dx
				if sy < 0 || sy >= sh.H || sx < 0 || sx >= sh.W {
					out[y*sh.W+x] = blank
				} else {
					out[y*sh.W+x] = src[sy*sh.W+sx]
				}
			}
		}
	}
}
