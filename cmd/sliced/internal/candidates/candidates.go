package candidates

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
)

// Defaults of Options.
const (
	DefaultKeep  = 50
	DefaultBelow = 0.5
	DefaultGap   = time.Second
	// Folder is the folder of the state directory candidates are kept in.
	Folder = "candidates"
)

// Errors of Claim and Remove.
var (
	ErrNotFound = errors.New("no such candidate")
	ErrBusy     = errors.New("the candidate is being enrolled")
)

// Answer is what the engine answered for a frame.
type Answer struct {
	Class   string  `json:"class"` // the class, or "unknown"
	Known   bool    `json:"known"`
	Score   float32 `json:"score"`
	Nearest string  `json:"nearest,omitempty"` // the class Label indexes, also for an unknown answer
}

// Frame is a classified frame offered as a candidate.
type Frame struct {
	Time   time.Time
	Source string
	Answer Answer
	Input  []float32 // the preprocessed tensor, of the engine's input shape
}

// Candidate is one kept frame. Its slices must not be modified.
type Candidate struct {
	ID     string    `json:"id"`
	Seq    uint64    `json:"seq"` // order of arrival
	Time   time.Time `json:"time"`
	Source string    `json:"source"`
	Answer
	Input []float32 `json:"input"`
	// Shape is the input's C, H and W; absent (files of digit engines
	// written before it) means 1x28x28.
	Shape     []int  `json:"shape,omitempty"`
	Thumbnail []byte `json:"thumbnail_png"`
}

// InputShape is the shape of the candidate's input.
func (c *Candidate) InputShape() nn.Shape {
	if len(c.Shape) != 3 {
		return DigitShape
	}
	return nn.Shape{C: c.Shape[0], H: c.Shape[1], W: c.Shape[2]}
}

// Options configure a Keeper.
type Options struct {
	Keep  int     // candidates kept; 0 keeps none
	Below float64 // a known answer scored below this is a candidate
	// Gap is the least time between two candidates from one source
	// through Watch; 0 means DefaultGap, a negative value no limit.
	Gap time.Duration
	Log *slog.Logger
	// Kept, when set, is told how many candidates are kept after every
	// change (for a gauge).
	Kept func(n int)
	// Write replaces a file atomically; engine.WriteFileAtomic when nil.
	Write func(path string, data []byte) error
	Now   func() time.Time // time.Now when nil
	// Engine is the served engine: offered inputs have its input shape,
	// and its normalisation is undone for the thumbnails. Nil: digit
	// inputs (1x28x28, values in [0, 1]).
	Engine func() *engine.Engine
}

// Keeper keeps the candidates of one state directory. Safe for
// concurrent use.
type Keeper struct {
	dir       string
	log       *slog.Logger
	kept      func(int)
	writeFile func(string, []byte) error
	now       func() time.Time
	gap       time.Duration
	engine    func() *engine.Engine

	mu      sync.Mutex
	keep    int
	below   float64
	list    []*Candidate // oldest first
	seq     uint64       // the last sequence number given
	claimed map[string]bool
	last    map[string]time.Time // per source: when Watch last kept a frame
}

// Open loads the candidates kept in stateDir/candidates and drops the
// oldest beyond o.Keep.
func Open(stateDir string, o Options) (*Keeper, error) {
	k := &Keeper{dir: filepath.Join(stateDir, Folder), log: o.Log, kept: o.Kept, writeFile: o.Write, now: o.Now, gap: o.Gap, engine: o.Engine,
		keep: o.Keep, below: o.Below, claimed: map[string]bool{}, last: map[string]time.Time{}}
	if k.log == nil {
		k.log = slog.Default()
	}
	if k.writeFile == nil {
		k.writeFile = func(p string, data []byte) error { return engine.WriteFileAtomic(p, data, 0o644) }
	}
	if k.now == nil {
		k.now = time.Now
	}
	if k.gap == 0 {
		k.gap = DefaultGap
	}
	if err := checkSettings(o.Keep, o.Below); err != nil {
		return nil, err
	}
	list, err := k.load()
	if err != nil {
		return nil, fmt.Errorf("candidates: %w", err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.list = list
	for _, c := range list {
		k.seq = max(k.seq, c.Seq)
	}
	k.trim()
	return k, nil
}

func checkSettings(keep int, below float64) error {
	if keep < 0 {
		return fmt.Errorf("candidates: keep %d is negative", keep)
	}
	if !(below >= 0 && below <= 1) {
		return fmt.Errorf("candidates: below %v, want 0 to 1", below)
	}
	return nil
}

// Set changes how many are kept and the score threshold; the oldest
// beyond keep are removed.
func (k *Keeper) Set(keep int, below float64) error {
	if err := checkSettings(keep, below); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keep, k.below = keep, below
	k.trim()
	return nil
}

// Settings are the number kept and the score threshold.
func (k *Keeper) Settings() (keep int, below float64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.keep, k.below
}

// Wants reports whether an answer makes a frame a candidate.
func (k *Keeper) Wants(a Answer) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.wants(a)
}

func (k *Keeper) wants(a Answer) bool {
	return k.keep > 0 && (!a.Known || float64(a.Score) < k.below)
}

// Offer keeps f as a candidate if its answer calls for one and returns
// its id; "" when it was not wanted.
func (k *Keeper) Offer(f Frame) (string, error) {
	shape, prep := DigitShape, engine.Preprocess{}
	if k.engine != nil {
		if e := k.engine(); e != nil {
			shape, prep = e.Stack.In, e.Prep
		}
	}
	if len(f.Input) != shape.Len() {
		return "", fmt.Errorf("candidates: input of %d values, want %d (%v, the engine's input)", len(f.Input), shape.Len(), shape)
	}
	k.mu.Lock()
	if !k.wants(f.Answer) {
		k.mu.Unlock()
		return "", nil
	}
	k.seq++
	seq := k.seq
	k.mu.Unlock()

	c := &Candidate{ID: newID(), Seq: seq, Time: f.Time, Source: f.Source, Answer: f.Answer, Input: slices.Clone(f.Input)}
	if shape != DigitShape {
		c.Shape = []int{shape.C, shape.H, shape.W}
	}
	if c.Time.IsZero() {
		c.Time = k.now()
	}
	var err error
	if c.Thumbnail, err = Thumbnail(c.Input, shape, prep); err != nil {
		return "", err
	}
	if err := c.check(); err != nil {
		return "", fmt.Errorf("candidates: %w", err)
	}
	// Written outside the lock: listing does not wait for a sync.
	if err := k.write(c); err != nil {
		return "", fmt.Errorf("candidates: %w", err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	i, _ := slices.BinarySearchFunc(k.list, seq, func(c *Candidate, s uint64) int { return cmp.Compare(c.Seq, s) })
	k.list = slices.Insert(k.list, i, c)
	k.trim()
	return c.ID, nil
}

func sortOldestFirst(l []*Candidate) {
	slices.SortFunc(l, func(a, b *Candidate) int { return cmp.Compare(a.Seq, b.Seq) })
}

// trim removes the oldest beyond keep and reports the count; k.mu held.
func (k *Keeper) trim() {
	for len(k.list) > k.keep {
		c := k.list[0]
		if err := os.Remove(k.path(c.ID)); err != nil && !errors.Is(err, os.ErrNotExist) {
			k.log.Warn("candidate file not removed", "file", k.path(c.ID), "err", err)
		}
		k.list = k.list[1:]
	}
	if k.kept != nil {
		k.kept(len(k.list))
	}
}

func (k *Keeper) find(id string) int {
	return slices.IndexFunc(k.list, func(c *Candidate) bool { return c.ID == id })
}

// List returns the candidates, newest first.
func (k *Keeper) List() []Candidate {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]Candidate, len(k.list))
	for i, c := range k.list {
		out[len(out)-1-i] = *c
	}
	return out
}

// Len is the number kept.
func (k *Keeper) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.list)
}

// Get returns one candidate.
func (k *Keeper) Get(id string) (Candidate, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if i := k.find(id); i >= 0 {
		return *k.list[i], true
	}
	return Candidate{}, false
}

// Remove deletes a candidate: ErrNotFound when there is none of that id.
// When its file cannot be removed it stays, and the error says why.
func (k *Keeper) Remove(id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	i := k.find(id)
	if i < 0 {
		return ErrNotFound
	}
	if err := os.Remove(k.path(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("candidates: %w", err)
	}
	k.list = slices.Delete(k.list, i, i+1)
	if k.kept != nil {
		k.kept(len(k.list))
	}
	return nil
}

// Claim reserves a candidate for an enrolment, so that it is enrolled
// once: a second Claim before done answers ErrBusy. done(true) removes
// the candidate (its error is Remove's, nil when it went meanwhile);
// done(false) gives it back.
func (k *Keeper) Claim(id string) (c Candidate, done func(enrolled bool) error, err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	i := k.find(id)
	switch {
	case i < 0:
		return Candidate{}, nil, ErrNotFound
	case k.claimed[id]:
		return Candidate{}, nil, ErrBusy
	}
	k.claimed[id] = true
	var once sync.Once
	done = func(enrolled bool) error {
		var err error
		once.Do(func() {
			if enrolled {
				if err = k.Remove(id); errors.Is(err, ErrNotFound) {
					err = nil
				}
			}
			k.mu.Lock()
			delete(k.claimed, id)
			k.mu.Unlock()
		})
		return err
	}
	return *k.list[i], done, nil
}
