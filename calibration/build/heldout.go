package build

import (
	"fmt"
	"io"
	"strings"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/prototypes"
	"github.com/sliced-ai/sliced/engine"
)

// Heldout is an engine scored on the held-out test images.
type Heldout struct {
	Classes []string
	// Confusion[true][answer] counts images; the last column, index
	// len(Classes), is the open-set answer "unknown".
	Confusion [][]int
	// Nearest[c] counts class c's images whose nearest class (the answer
	// before the open-set rule) is c.
	Nearest []int
}

// Score classifies every image of test with e.
func Score(e *engine.Engine, test *dataset.Set) (*Heldout, error) {
	if test.Len() == 0 {
		return nil, fmt.Errorf("build: no held-out images to score")
	}
	if e.Stack.In != test.Shape {
		return nil, fmt.Errorf("build: the engine takes %v images, the held-out set has %v", e.Stack.In, test.Shape)
	}
	names := e.ClassNames()
	h := &Heldout{Classes: test.Classes, Nearest: make([]int, len(test.Classes))}
	idx := map[string]int{}
	for i, c := range test.Classes {
		idx[c] = i
	}
	for range test.Classes {
		h.Confusion = append(h.Confusion, make([]int, len(test.Classes)+1))
	}
	labels, known := make([]int, test.Len()), make([]bool, test.Len())
	err := prototypes.EachInput(e, test.Images, test.Len(), func(_ int, s *engine.Session, i int, in []float32) error {
		p, err := s.Classify(in)
		if err == nil {
			labels[i], known[i] = p.Label, p.Known
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	for i, want := range test.Labels {
		got, ok := idx[names[labels[i]]]
		if !ok {
			return nil, fmt.Errorf("build: the engine answered class %q, which the held-out images do not have", names[labels[i]])
		}
		if got == want {
			h.Nearest[want]++
		}
		if !known[i] {
			got = len(h.Classes)
		}
		h.Confusion[want][got]++
	}
	return h, nil
}

// Images is the number of images of class c.
func (h *Heldout) Images(c int) int {
	n := 0
	for _, v := range h.Confusion[c] {
		n += v
	}
	return n
}

// Total sums over the classes: images, right nearest classes, right
// answers (unknown counted wrong) and unknown answers.
func (h *Heldout) Total() (images, nearest, correct, unknown int) {
	for c := range h.Classes {
		images += h.Images(c)
		nearest += h.Nearest[c]
		correct += h.Confusion[c][c]
		unknown += h.Confusion[c][len(h.Classes)]
	}
	return
}

// Accuracy is the share of right nearest classes, and of right answers
// with unknown counted wrong.
func (h *Heldout) Accuracy() (nearest, open float64) {
	n, near, corr, _ := h.Total()
	return float64(near) / float64(n), float64(corr) / float64(n)
}

// WriteMarkdown writes the per-class table and the overall row.
func (h *Heldout) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| class | images | accuracy | unknown counted wrong | answered unknown |\n|---|---|---|---|---|\n")
	row := func(name string, n, near, corr, unk int) {
		name = strings.ReplaceAll(name, "|", `\|`) // a folder name may hold one
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %d |\n", name, n, pct(near, n), pct(corr, n), unk)
	}
	for c, name := range h.Classes {
		row(name, h.Images(c), h.Nearest[c], h.Confusion[c][c], h.Confusion[c][len(h.Classes)])
	}
	n, near, corr, unk := h.Total()
	row("**all**", n, near, corr, unk)
	_, err := io.WriteString(w, b.String())
	return err
}

func pct(a, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f %%", 100*float64(a)/float64(n))
}
