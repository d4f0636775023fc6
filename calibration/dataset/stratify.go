package dataset

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/sliced-ai/sliced/engine/preprocess"
)

// Stratify splits the set into training, validation and test parts with
// the same share of every class in each: of a class's n images,
// round(n*testShare) go to test and round(n*valShare) to validation, both
// at least one, drawn with seed; the rest train. The same seed always
// gives the same parts.
func (s *Set) Stratify(valShare, testShare float64, seed uint64) (train, val, test *Set, err error) {
	if !(valShare > 0 && testShare > 0 && valShare+testShare < 1) {
		return nil, nil, nil, fmt.Errorf("dataset: validation share %g and test share %g: want both above 0 and together below 1", valShare, testShare)
	}
	byClass := make([][]int, len(s.Classes))
	for i, l := range s.Labels {
		byClass[l] = append(byClass[l], i)
	}
	var tr, va, te []int
	for c, idx := range byClass {
		n := len(idx)
		nTest := max(1, int(math.Round(float64(n)*testShare)))
		nVal := max(1, int(math.Round(float64(n)*valShare)))
		if n-nTest-nVal < 1 {
			return nil, nil, nil, fmt.Errorf("dataset: class %s has %d images, too few for a training, a validation and a test part", s.Classes[c], n)
		}
		p := Perm(n, seed^uint64(c+1)*0x9e3779b97f4a7c15)
		for j, k := range p {
			switch {
			case j < nTest:
				te = append(te, idx[k])
			case j < nTest+nVal:
				va = append(va, idx[k])
			default:
				tr = append(tr, idx[k])
			}
		}
	}
	return s.Pick(tr), s.Pick(va), s.Pick(te), nil
}

// Normalize maps every value v of channel c to (v - mean[c]) * scale[c],
// as engine/preprocess does (preprocess.ChannelNorm: empty lists are 0
// and 1, the last value stands for later channels).
func (s *Set) Normalize(mean, scale []float32) {
	plane := s.Shape.H * s.Shape.W
	n := s.Shape.Len()
	for c := 0; c < s.Shape.C; c++ {
		m, k := preprocess.ChannelNorm(mean, scale, c)
		for i := 0; i < s.Len(); i++ {
			px := s.Images[i*n+c*plane : i*n+(c+1)*plane]
			for j, v := range px {
				px[j] = (v - m) * k
			}
		}
	}
}

// ChannelStats is the mean and the inverse standard deviation of every
// channel over all images: the normalisation that gives the training
// images zero mean and unit spread. A channel that does not vary gets
// scale 1.
func (s *Set) ChannelStats() (mean, scale []float32) {
	plane := s.Shape.H * s.Shape.W
	n := s.Shape.Len()
	for c := 0; c < s.Shape.C; c++ {
		var sum, sq float64
		for i := 0; i < s.Len(); i++ {
			for _, v := range s.Images[i*n+c*plane : i*n+(c+1)*plane] {
				sum += float64(v)
				sq += float64(v) * float64(v)
			}
		}
		cnt := float64(s.Len() * plane)
		m := sum / max(cnt, 1)
		sd := math.Sqrt(max(sq/max(cnt, 1)-m*m, 0))
		k := 1.0
		if sd > 1e-6 {
			k = 1 / sd
		}
		mean = append(mean, float32(m))
		scale = append(scale, float32(k))
	}
	return mean, scale
}

// Fingerprint is a SHA-256 of the shape, classes, labels and pixel
// values: two sets with the same fingerprint hold the same images.
func (s *Set) Fingerprint() [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%d %d %d %q\n", s.Shape.C, s.Shape.H, s.Shape.W, s.Classes)
	buf := make([]byte, 0, 4096)
	flush := func() {
		h.Write(buf)
		buf = buf[:0]
	}
	for _, l := range s.Labels {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(l))
		if len(buf) >= 4000 {
			flush()
		}
	}
	for _, v := range s.Images {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		if len(buf) >= 4000 {
			flush()
		}
	}
	flush()
	var out [32]byte
	h.Sum(out[:0])
	return out
}
