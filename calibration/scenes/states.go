package scenes

import (
	"fmt"
	"image"
	"math/rand/v2"

	xdraw "golang.org/x/image/draw"
)

// FrameW and FrameH are the size of a test scene's camera frames.
const FrameW, FrameH = 640, 480

// Scene is one camera view with a region that shows one of a few states.
type Scene struct {
	Background *image.RGBA // FrameW x FrameH
	ROI        image.Rectangle
	// States hold what the region shows in each state, 10 % larger than
	// the region so that a shifted view still fills it.
	States []*image.RGBA
	Names  []string
}

// stateCrops are the states of HeldScene: rectangles of HeldPhotos, by
// index, with a name each. Two come from the same photograph.
var stateCrops = []struct {
	photo int
	rect  image.Rectangle
	name  string
}{
	{0, image.Rect(140, 20, 320, 155), "cat-face"},
	{0, image.Rect(20, 150, 200, 285), "cat-paw"},
	{1, image.Rect(160, 180, 340, 315), "rocket"},
	{2, image.Rect(500, 500, 860, 770), "retina"},
	{3, image.Rect(100, 100, 280, 235), "gravel"},
}

// HeldScene is the test scene made of HeldPhotos (loaded in that order):
// the coins as background, and a 160x120 region in five states.
func HeldScene(held []*image.RGBA) (*Scene, error) {
	if len(held) != len(HeldPhotos) {
		return nil, fmt.Errorf("scenes: %d photographs, want HeldPhotos' %d", len(held), len(HeldPhotos))
	}
	s := &Scene{Background: image.NewRGBA(image.Rect(0, 0, FrameW, FrameH)), ROI: image.Rect(300, 180, 460, 300)}
	bg := held[4]
	xdraw.ApproxBiLinear.Scale(s.Background, s.Background.Rect, bg, bg.Rect, xdraw.Src, nil)
	mw, mh := s.ROI.Dx()/10, s.ROI.Dy()/10
	for _, c := range stateCrops {
		if !c.rect.In(held[c.photo].Rect) {
			return nil, fmt.Errorf("scenes: state %s: %v is not inside %s", c.name, c.rect, HeldPhotos[c.photo])
		}
		m := image.NewRGBA(image.Rect(0, 0, s.ROI.Dx()+2*mw, s.ROI.Dy()+2*mh))
		xdraw.ApproxBiLinear.Scale(m, m.Rect, held[c.photo], c.rect, xdraw.Src, nil)
		s.States = append(s.States, m)
		s.Names = append(s.Names, c.name)
	}
	return s, nil
}

// Frame is one camera frame of the scene in state i: the region's content
// shifted by up to 5 % of the region, the whole frame lit and noisy, then
// JPEG-compressed.
func (s *Scene) Frame(i int, rng *rand.Rand) (image.Image, error) {
	m := image.NewRGBA(s.Background.Rect)
	copy(m.Pix, s.Background.Pix)
	l := Jitter(rng, s.ROI.Dx(), s.ROI.Dy())
	st := s.States[i]
	mw, mh := s.ROI.Dx()/10, s.ROI.Dy()/10
	xdraw.Copy(m, s.ROI.Min, st, image.Rectangle{Min: image.Pt(mw, mh).Add(l.Shift), Max: image.Pt(mw, mh).Add(l.Shift).Add(s.ROI.Size())}, xdraw.Src, nil)
	l.Light(m, rng)
	return l.JPEG(m)
}
