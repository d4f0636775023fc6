package knn

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// Metric is how distance between feature vectors is measured. The values
// are stored in engine files: never renumber.
type Metric uint8

const (
	L2     Metric = 1 // Euclidean distance
	Cosine Metric = 2 // 1 - cosine similarity
)

func (m Metric) String() string {
	switch m {
	case L2:
		return "l2"
	case Cosine:
		return "cosine"
	}
	return fmt.Sprintf("metric(%d)", uint8(m))
}

// ParseMetric accepts "l2" or "cosine".
func ParseMetric(s string) (Metric, error) {
	switch s {
	case "l2", "L2", "euclidean":
		return L2, nil
	case "cosine":
		return Cosine, nil
	}
	return 0, fmt.Errorf("unknown metric %q (want l2 or cosine)", s)
}

// Vote is how the k nearest prototypes decide. The values are stored in
// engine files: never renumber.
type Vote uint8

const (
	// Majority: one vote each; a tie goes to the class nearer in total.
	Majority Vote = 0
	// Kernel: each vote weighs exp(-KernelGamma*(d^2 - d1^2)), d1 the
	// nearest distance. It is the kernel that learned prototypes are
	// trained with (calibration/prototypes), so the vote follows the
	// nearest prototype where it is clearly nearest and the score is the
	// probability the trained model gives. It depends on the scale of the
	// distances, so it suits learned engines, not raw feature spaces.
	Kernel Vote = 1
)

// KernelGamma is the sharpness of the Kernel vote; calibration trains
// learned prototypes with the same value.
const KernelGamma = 4.0

func (v Vote) String() string {
	switch v {
	case Majority:
		return "majority"
	case Kernel:
		return "kernel"
	}
	return fmt.Sprintf("vote(%d)", uint8(v))
}

// ParseVote accepts "majority" or "kernel".
func ParseVote(s string) (Vote, error) {
	switch s {
	case "majority":
		return Majority, nil
	case "kernel":
		return Kernel, nil
	}
	return 0, fmt.Errorf("unknown vote %q (want majority or kernel)", s)
}

// DefaultK is the paper's k.
const DefaultK = 9

// Set is the stored prototypes: N vectors of Dim values with a class index
// each, and the class names those indices point into.
type Set struct {
	K       int
	Metric  Metric
	Vote    Vote
	Dim     int
	Vectors []float32 // N x Dim, row-major
	Labels  []int     // N entries, each an index into Classes
	Classes []string
	Open    *Calibration // open-set radii; nil: every answer is a known class

	// rows are the prototypes the k-NN searches, derived: all of them,
	// except that a set whose Gaussian calibration models some classes
	// on their own (Calibration.Spread) searches the other classes'
	// prototypes only, and those classes compete with the k-NN's winner
	// by likelihood (see Searcher.rival). prepLen is Len at Prepare.
	rows    []int
	rowLab  []int
	prepLen int
	wmeans  []float32 // Whiten times each class mean, classes x Dim, derived
	norms   []float32 // squared norms (L2) or norms (cosine), derived
	// cols is Vectors transposed, Dim rows of stride values (the count
	// rounded up to colBlock, zero past it), derived: the distances are
	// then Dim scaled row additions, vectorised over the prototypes with
	// no scalar tail whatever Dim is.
	cols   []float32
	stride int
}

// colBlock is the widest vector block of the gemm kernels (AVX-512: 32
// values a row addition).
const colBlock = 32

// Len is the number of prototypes.
func (s *Set) Len() int { return len(s.Labels) }

// Validate checks that the parts of the set agree with each other.
func (s *Set) Validate() error {
	switch {
	case s.K <= 0:
		return fmt.Errorf("knn: k = %d", s.K)
	case s.Metric != L2 && s.Metric != Cosine:
		return fmt.Errorf("knn: unknown metric %d", uint8(s.Metric))
	case s.Vote != Majority && s.Vote != Kernel:
		return fmt.Errorf("knn: unknown vote %d", uint8(s.Vote))
	case s.Dim <= 0:
		return fmt.Errorf("knn: dimension %d", s.Dim)
	case len(s.Vectors) != len(s.Labels)*s.Dim:
		return fmt.Errorf("knn: %d values for %d prototypes of %d", len(s.Vectors), len(s.Labels), s.Dim)
	}
	for i, l := range s.Labels {
		if l < 0 || l >= len(s.Classes) {
			return fmt.Errorf("knn: prototype %d has class %d of %d", i, l, len(s.Classes))
		}
	}
	return s.validateOpen()
}

// Prepare computes the derived values; call it after changing Vectors,
// Labels or the calibration.
func (s *Set) Prepare() {
	n := s.Len()
	s.prepLen = n
	// New slices, never the old ones refilled: a cloned set shares them
	// with the set it came from.
	s.rows, s.rowLab = make([]int, 0, n), make([]int, 0, n)
	modelled := s.Open.modelled()
	for i, l := range s.Labels {
		if !modelled(l) {
			s.rows = append(s.rows, i)
			s.rowLab = append(s.rowLab, l)
		}
	}
	if len(s.rows) == 0 || len(s.rows) == n {
		// Nothing to compete with (only modelled classes, as in an engine
		// that shipped with none) or nothing modelled: search them all.
		s.rows, s.rowLab = s.rows[:0], s.rowLab[:0] // this call's own
		for i, l := range s.Labels {
			s.rows = append(s.rows, i)
			s.rowLab = append(s.rowLab, l)
		}
	}
	s.interleave()
	m := len(s.rows)
	s.norms = make([]float32, m)
	for k, i := range s.rows {
		sq := sumSquares(s.Vectors[i*s.Dim : (i+1)*s.Dim])
		if s.Metric == Cosine {
			sq = float32(math.Sqrt(float64(sq)))
		}
		s.norms[k] = sq
	}
	s.stride = (m + colBlock - 1) / colBlock * colBlock
	s.cols = make([]float32, s.Dim*s.stride)
	for k, i := range s.rows {
		for j, v := range s.Vectors[i*s.Dim : (i+1)*s.Dim] {
			s.cols[j*s.stride+k] = v
		}
	}
	s.wmeans = nil
	if c := s.Open; c.Gaussian() && len(c.Means) == len(s.Classes)*s.Dim && len(c.Whiten) == s.Dim*s.Dim {
		s.wmeans = make([]float32, len(c.Means))
		for ci := range s.Classes {
			mulVec(s.wmeans[ci*s.Dim:(ci+1)*s.Dim], c.Whiten, c.Means[ci*s.Dim:(ci+1)*s.Dim])
		}
	}
}

// interleave orders the searched rows round-robin over the classes (the
// first prototype of each class, then the second, ...). Prototypes are
// stored class by class, so in file order the query's own class comes in
// one late block and most of its prototypes push into the list of the k
// nearest, one shift each; interleaved, the list is near its final
// distances after a few prototypes of every class and later ones mostly
// cost one comparison. Measured on the default engine (BenchmarkStage,
// back to back on one busy machine): search and vote 2.4-2.6 µs in file
// order, 1.6-1.9 µs interleaved.
func (s *Set) interleave() {
	byClass := make([][]int, len(s.Classes))
	for _, i := range s.rows {
		l := s.Labels[i]
		byClass[l] = append(byClass[l], i)
	}
	n := len(s.rows)
	s.rows, s.rowLab = s.rows[:0], s.rowLab[:0]
	for j := 0; len(s.rows) < n; j++ {
		for l, c := range byClass {
			if j < len(c) {
				s.rows, s.rowLab = append(s.rows, c[j]), append(s.rowLab, l)
			}
		}
	}
}

// searchesAll says whether the k-NN searches every prototype.
func (s *Set) searchesAll() bool { return len(s.rows) == s.Len() }

// prepared says whether the derived values match the prototypes.
func (s *Set) prepared() bool {
	return s.prepLen == s.Len() && len(s.norms) == len(s.rows) && s.stride >= len(s.rows) && len(s.cols) == s.Dim*s.stride
}

// Add appends prototypes of class name (created if new) and returns its
// index. With open-set calibration, the class's radius is set from its
// prototypes (see Calibrate).
func (s *Set) Add(name string, vecs [][]float32) (int, error) {
	for i, v := range vecs {
		if len(v) != s.Dim {
			return 0, fmt.Errorf("knn: example %d has %d values, want %d", i, len(v), s.Dim)
		}
	}
	if name == OtherName {
		return 0, fmt.Errorf("knn: %q is reserved for answers that match no class", name)
	}
	idx := slices.Index(s.Classes, name)
	if idx < 0 {
		idx = len(s.Classes)
		s.Classes = append(s.Classes, name)
		if s.Open != nil {
			s.Open.Radius = append(s.Open.Radius, 0)
			if c := s.Open; c.Gaussian() {
				c.Means = append(c.Means, make([]float32, s.Dim)...)
				// A class enrolled beside the engine's own is modelled on
				// its own; Calibrate sets its spread.
				if c.Spread == nil {
					c.Spread = make([]float32, idx)
				}
				c.Spread = append(c.Spread, 1)
			}
		}
	}
	for _, v := range vecs {
		s.Vectors = append(s.Vectors, v...)
		s.Labels = append(s.Labels, idx)
	}
	if s.Open != nil {
		// The class's own radius leaves the prior, then is set anew.
		s.Open.Radius[idx] = 0
		s.Calibrate(idx, s.Prior())
	}
	s.Prepare()
	return idx, nil
}

// Remove deletes class name and its prototypes; later class indices shift
// down by one. It reports whether the class existed.
func (s *Set) Remove(name string) bool {
	idx := slices.Index(s.Classes, name)
	if idx < 0 {
		return false
	}
	vecs, labels := s.Vectors[:0:0], s.Labels[:0:0]
	for i, l := range s.Labels {
		if l == idx {
			continue
		}
		if l > idx {
			l--
		}
		vecs = append(vecs, s.Vectors[i*s.Dim:(i+1)*s.Dim]...)
		labels = append(labels, l)
	}
	s.Vectors, s.Labels = vecs, labels
	s.Classes = slices.Delete(slices.Clone(s.Classes), idx, idx+1)
	if s.Open != nil {
		s.Open.remove(idx, s.Dim)
	}
	s.Prepare()
	return true
}

// Counts returns the number of prototypes of each class.
func (s *Set) Counts() []int {
	c := make([]int, len(s.Classes))
	for _, l := range s.Labels {
		c[l]++
	}
	return c
}

func sumSquares(v []float32) float32 {
	var s float32
	for _, x := range v {
		s += x * x
	}
	return s
}

// Neighbor is one of the k nearest prototypes.
type Neighbor struct {
	Index int     // prototype index in the Set
	Label int     // class index
	Dist  float32 // distance under the set's metric
}

// Result is a k-NN decision.
type Result struct {
	Label     int        // winning class index; -1 for a set with no prototypes
	Score     float32    // share of the k votes (or vote weight) the winner got
	Neighbors []Neighbor // nearest first; owned by the Searcher
}

// Searcher runs queries against one Set with reusable scratch.
type Searcher struct {
	set   *Set
	z     []float32 // the query whitened
	dots  []float32
	near  []Neighbor
	votes []int
	sums  []float32
}

// NewSearcher prepares a searcher; the Set must not change while it is used.
func NewSearcher(s *Set) *Searcher {
	if !s.prepared() {
		s.Prepare()
	}
	return &Searcher{set: s}
}

// Classify finds the k nearest prototypes of q and takes their majority
// vote; a tie goes to the class whose tied voters are nearer in total.
func (r *Searcher) Classify(q []float32) (Result, error) {
	s := r.set
	if len(q) != s.Dim {
		return Result{}, fmt.Errorf("knn: query has %d values, prototypes %d", len(q), s.Dim)
	}
	if s.Len() == 0 {
		// A set that no class was enrolled into yet: nothing is near.
		return Result{Label: -1}, nil
	}
	if !s.prepared() {
		return Result{}, errors.New("knn: prototypes changed without Prepare")
	}
	n := len(s.rows)
	// One matrix-vector product over the transposed prototypes; the
	// padding past n is computed and ignored.
	r.dots = grow(r.dots, s.stride)
	qn := sumSquares(q)
	dist := r.dots[:n]
	if s.Metric == Cosine {
		gemm.Sgemm(true, false, s.stride, 1, s.Dim, 1, s.cols, s.stride, q, 1, 0, r.dots, 1)
		norms := s.norms[:len(dist)]
		qn = float32(math.Sqrt(float64(qn)))
		for i, d := range dist {
			if den := qn * norms[i]; den > 0 {
				dist[i] = 1 - d/den
			} else {
				dist[i] = 1
			}
		}
	} else {
		// |p|^2 - 2 p.q in the product itself (beta 1 over the norms):
		// the order of the distances needs no |q|^2, which is added to
		// the k nearest only.
		copy(r.dots, s.norms)
		clear(r.dots[n:s.stride])
		gemm.Sgemm(true, false, s.stride, 1, s.Dim, -2, s.cols, s.stride, q, 1, 1, r.dots, 1)
	}
	r.near = nearest(r.near[:0], min(s.K, n), dist, s.rowLab, s.rows)
	near := r.near
	if s.Metric == L2 {
		for i := range near {
			near[i].Dist = float32(math.Sqrt(max(float64(qn+near[i].Dist), 0)))
		}
	}
	r.votes = growInt(r.votes, len(s.Classes))
	r.sums = grow(r.sums, len(s.Classes))
	clear(r.votes)
	clear(r.sums)
	var res Result
	if s.Vote == Kernel {
		res = r.weighted(near)
	} else {
		for _, nb := range near {
			r.votes[nb.Label]++
			r.sums[nb.Label] += nb.Dist
		}
		best := near[0].Label
		for c, v := range r.votes {
			if v > r.votes[best] || (v == r.votes[best] && v > 0 && r.sums[c] < r.sums[best]) {
				best = c
			}
		}
		res = Result{Label: best, Score: float32(r.votes[best]) / float32(len(near)), Neighbors: near}
	}
	if !s.searchesAll() {
		r.rival(q, &res)
	}
	return res, nil
}

// nearest appends to near, nearest first, the k smallest of dist, and
// returns it; dist[i] is the distance to prototype rows[i] of class
// labels[i]. It is an insertion into a sorted short list (k is small);
// after the first k values a vector scan (gemm.NextAtMost) finds the next
// value not beyond the list's farthest, so the rest cost a sixteenth of a
// comparison each; the list is kept as distances and prototype indices on
// the stack while it moves, and turned into Neighbors once. Ties keep the
// lower prototype index first, whatever order the rows are searched in.
func nearest(near []Neighbor, k int, dist []float32, labels, rows []int) []Neighbor {
	if k > maxStackK {
		return nearestSlice(near, k, dist, labels, rows)
	}
	var bd [maxStackK]float32
	var bi, bl [maxStackK]int32
	m := 0 // values in the list
	worst := float32(math.Inf(1))
	rows = rows[:len(dist)]
	labels = labels[:len(dist)]
	for i := 0; i < len(dist); i++ {
		if m == k {
			// Once the list is full most values fail the list's farthest:
			// a vector scan skips to the next one that may not.
			if i += gemm.NextAtMost(dist[i:], worst); i == len(dist) {
				break
			}
		}
		d, p := dist[i], int32(rows[i])
		if m == k && (d > worst || d == worst && p > bi[m-1]) {
			continue
		}
		j := m
		if m < k {
			m++
		} else {
			j = k - 1
		}
		for j > 0 && (bd[j-1] > d || bd[j-1] == d && bi[j-1] > p) {
			bd[j], bi[j], bl[j] = bd[j-1], bi[j-1], bl[j-1]
			j--
		}
		bd[j], bi[j], bl[j] = d, p, int32(labels[i])
		worst = bd[m-1]
	}
	for j := range m {
		near = append(near, Neighbor{Index: int(bi[j]), Label: int(bl[j]), Dist: bd[j]})
	}
	return near
}

// maxStackK is the largest k that nearest keeps on the stack.
const maxStackK = 32

// nearestSlice is nearest for large k, with the list in near itself.
func nearestSlice(near []Neighbor, k int, dist []float32, labels, rows []int) []Neighbor {
	before := func(a Neighbor, d float32, p int) bool { return a.Dist > d || a.Dist == d && a.Index > p }
	for i, d := range dist {
		p := rows[i]
		if len(near) == k && !before(near[k-1], d, p) {
			continue
		}
		if len(near) < k {
			near = append(near, Neighbor{})
		}
		j := len(near) - 1
		for j > 0 && before(near[j-1], d, p) {
			near[j] = near[j-1]
			j--
		}
		near[j] = Neighbor{Index: p, Label: labels[i], Dist: d}
	}
	return near
}

// weighted is the Kernel vote; r.sums holds each class's weight.
func (r *Searcher) weighted(near []Neighbor) Result {
	var total float32
	d1 := float64(near[0].Dist)
	for _, nb := range near {
		d := float64(nb.Dist)
		w := float32(math.Exp(-KernelGamma * (d*d - d1*d1)))
		r.sums[nb.Label] += w
		total += w
	}
	best := near[0].Label
	for c, w := range r.sums {
		if w > r.sums[best] {
			best = c
		}
	}
	return Result{Label: best, Score: r.sums[best] / total, Neighbors: near}
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

func growInt(b []int, n int) []int {
	if cap(b) < n {
		return make([]int, n)
	}
	return b[:n]
}
