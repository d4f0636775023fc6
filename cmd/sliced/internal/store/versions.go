package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/sliced-ai/sliced/engine"
)

// Files of the state directory besides FileName.
const (
	VersionsFile = "versions.json" // the record of versions
	VersionsDir  = "versions"      // one engine file per kept version
)

// Keep is how many versions the state directory keeps: the served one and
// those a rollback goes back through, so at most Keep-1 rollbacks in a row.
const Keep = 5

// ErrNoRollback means no earlier version is kept.
var ErrNoRollback = errors.New("nothing to roll back to: no earlier version of the engine is kept")

// versionFile is versions.json.
type versionFile struct {
	Format int      `json:"format"` // 1; 0: no file yet
	Newest int      `json:"newest"` // the highest version number given
	Kept   []kept   `json:"kept"`   // by number
	Base   []string `json:"base_classes"`
}

// kept is one version in versions/.
type kept struct {
	Version int    `json:"version"`
	SHA256  string `json:"sha256"`           // of its engine file, as engine.slc holds it while it is served
	Parent  int    `json:"parent,omitempty"` // the version a rollback from it returns to; 0: none
}

func (vf *versionFile) find(v int) (kept, bool) {
	i := slices.IndexFunc(vf.Kept, func(k kept) bool { return k.Version == v })
	if i < 0 {
		return kept{}, false
	}
	return vf.Kept[i], true
}

// chain is v and the kept versions a rollback from it goes back through,
// oldest first.
func (vf *versionFile) chain(v int) []kept {
	var out []kept
	for k, ok := vf.find(v); ok && len(out) <= len(vf.Kept); k, ok = vf.find(k.Parent) {
		out = append(out, k)
	}
	slices.Reverse(out)
	return out
}

func numbers(ks []kept) []int {
	var out []int
	for _, k := range ks {
		out = append(out, k.Version)
	}
	return out
}

func (s *Store) versionsFile() string { return filepath.Join(s.src.StateDir, VersionsFile) }

func (s *Store) versionPath(v int) string {
	return filepath.Join(s.src.StateDir, VersionsDir, fmt.Sprintf("%06d.slc", v))
}

func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// readVersionFile reads versions.json; a missing file is the zero record.
func readVersionFile(path string) (versionFile, error) {
	var vf versionFile
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return vf, nil
	}
	if err != nil {
		return vf, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 4<<20))
	if err != nil {
		return vf, err
	}
	bad := func(format string, a ...any) (versionFile, error) {
		return versionFile{}, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, a...))
	}
	if err := json.Unmarshal(data, &vf); err != nil {
		return bad("%v", err)
	}
	if vf.Format != 1 {
		return bad("format %d, this build reads 1", vf.Format)
	}
	if vf.Newest < 1 || len(vf.Kept) > 64 {
		return bad("newest version %d with %d kept", vf.Newest, len(vf.Kept))
	}
	for i, k := range vf.Kept {
		if k.Version < 1 || k.Version > vf.Newest || (i > 0 && k.Version <= vf.Kept[i-1].Version) || len(k.SHA256) != 64 ||
			k.Parent < 0 || k.Parent >= k.Version {
			return bad("kept version %d (%q) out of order or malformed", k.Version, k.SHA256)
		}
	}
	return vf, nil
}

// load finds the engine to serve and its version.
func (s *Store) load() (*served, versionFile, error) {
	vf, err := readVersionFile(s.versionsFile())
	if err != nil {
		return nil, vf, fmt.Errorf("engine versions: %w", err)
	}
	var e *engine.Engine
	var from string
	switch state := s.Path(); {
	case fileExists(state):
		from = state
		e, err = s.src.Load(state)
	case s.src.Configured != "":
		from = s.src.Configured
		e, err = s.src.Load(s.src.Configured)
	case s.src.Default != nil:
		from = "embedded"
		e, err = s.src.Default()
	default:
		return nil, vf, errors.New("no engine: set engine in the configuration")
	}
	if err != nil {
		return nil, vf, fmt.Errorf("engine %s: %w", from, err)
	}
	if _, err := e.NewSession(); err != nil { // full check before serving it
		return nil, vf, fmt.Errorf("engine %s: %w", from, err)
	}
	// The served version is the newest kept one with engine.slc's content;
	// anything else (an older layout, a file copied in) is a version not
	// recorded yet, after the newest.
	cur := &served{e: e, from: from, version: vf.Newest + 1, base: vf.Base}
	if len(vf.Kept) > 0 {
		cur.parent = vf.Kept[len(vf.Kept)-1].Version
	}
	if from == s.Path() {
		if data, err := os.ReadFile(from); err == nil {
			h := sum(data)
			for i := len(vf.Kept) - 1; i >= 0; i-- {
				if vf.Kept[i].SHA256 == h {
					cur.version, cur.parent = vf.Kept[i].Version, vf.Kept[i].Parent
					break
				}
			}
		}
	}
	cur.previous = numbers(vf.chain(cur.parent))
	if vf.Format == 0 {
		cur.base = s.baseClasses(e, from)
	}
	return cur, vf, nil
}

// baseClasses are the classes of the engine enrolment starts from, for a
// state directory without versions.json: the served engine's own, or for
// an engine.slc of an older layout, the configured or embedded engine's.
func (s *Store) baseClasses(e *engine.Engine, from string) []string {
	if from == s.Path() {
		var b *engine.Engine
		var err error
		switch {
		case s.src.Configured != "":
			b, err = s.src.Load(s.src.Configured)
		case s.src.Default != nil:
			b, err = s.src.Default()
		default:
			err = errors.New("none")
		}
		if err == nil {
			return slices.Clone(b.ClassNames())
		}
	}
	return slices.Clone(e.ClassNames())
}
