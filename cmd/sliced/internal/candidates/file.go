package candidates

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// maxFile bounds what is read of one candidate file: a digit one is
// about 10 KB, a 64x64 RGB one about 150 KB.
const maxFile = 4 << 20

// maxSide bounds a candidate input's height and width.
const maxSide = 256

var idRule = regexp.MustCompile(`^[0-9a-f]{16}$`)

// newID is 16 random hex digits.
func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (k *Keeper) path(id string) string { return filepath.Join(k.dir, id+".json") }

// check is what a candidate must satisfy, in memory and on disk.
func (c *Candidate) check() error {
	if !idRule.MatchString(c.ID) {
		return fmt.Errorf("id %q is not 16 hex digits", c.ID)
	}
	if c.Seq == 0 || c.Time.IsZero() {
		return errors.New("no sequence number or time")
	}
	if len(c.Shape) != 0 {
		if len(c.Shape) != 3 || (c.Shape[0] != 1 && c.Shape[0] != 3) || c.Shape[1] < 1 || c.Shape[1] > maxSide || c.Shape[2] < 1 || c.Shape[2] > maxSide {
			return fmt.Errorf("input shape %v, want [C H W] with C 1 or 3 and sides 1 to %d", c.Shape, maxSide)
		}
	}
	if n := c.InputShape().Len(); len(c.Input) != n {
		return fmt.Errorf("input of %d values, want %d", len(c.Input), n)
	}
	for _, v := range c.Input {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return errors.New("input value not finite")
		}
	}
	if _, err := png.DecodeConfig(bytes.NewReader(c.Thumbnail)); err != nil {
		return fmt.Errorf("thumbnail: %v", err)
	}
	return nil
}

// read loads one candidate file.
func read(path string) (*Candidate, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("over %d bytes", maxFile)
	}
	var c Candidate
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, err
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	if want := c.ID + ".json"; filepath.Base(path) != want {
		return nil, fmt.Errorf("holds candidate %s, want it in %s", c.ID, want)
	}
	return &c, nil
}

// load reads every candidate file of dir, oldest first. Unreadable ones
// are logged and skipped; temporary files a crash left are removed.
func (k *Keeper) load() ([]*Candidate, error) {
	ents, err := os.ReadDir(k.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Candidate
	for _, e := range ents {
		name := e.Name()
		p := filepath.Join(k.dir, name)
		switch {
		case e.IsDir():
			continue
		case strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-"):
			os.Remove(p)
			continue
		case !strings.HasSuffix(name, ".json"):
			continue
		}
		c, err := read(p)
		if err != nil {
			k.log.Warn("candidate file skipped", "file", p, "err", err)
			continue
		}
		out = append(out, c)
	}
	sortOldestFirst(out)
	return out, nil
}

// write stores c atomically.
func (k *Keeper) write(c *Candidate) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(k.dir, 0o755); err != nil {
		return err
	}
	return k.writeFile(k.path(c.ID), data)
}
