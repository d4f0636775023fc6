package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/sliced-ai/sliced/engine"
)

// change makes next a new version after the served one.
func (s *Store) change(next *engine.Engine) error {
	cur := s.cur.Load()
	var add []kept
	if _, ok := s.vf.find(cur.version); !ok {
		// Keep the version being left, so that a rollback can return to it.
		var buf bytes.Buffer
		if err := engine.Encode(&buf, cur.e); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(s.src.StateDir, VersionsDir), 0o750); err != nil {
			return err
		}
		if err := s.src.Write(s.versionPath(cur.version), buf.Bytes()); err != nil {
			return fmt.Errorf("saving version %d: %w", cur.version, err)
		}
		add = append(add, kept{cur.version, sum(buf.Bytes()), cur.parent})
	}
	return s.commit(next, nil, cur.version, add...)
}

// Rollback serves the version before the served one again, as a new
// version (numbers only grow) whose own rollback goes one further back;
// the version it leaves is dropped. It returns the new version number.
func (s *Store) Rollback() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.cur.Load()
	to, ok := s.vf.find(cur.parent)
	if !ok {
		return 0, ErrNoRollback
	}
	path := s.versionPath(to.Version)
	e, err := s.src.Load(path)
	if err == nil {
		_, err = e.NewSession()
	}
	if err != nil {
		return 0, fmt.Errorf("version %d: %w", to.Version, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("version %d: %w", to.Version, err)
	}
	if err := s.commit(e, data, to.Parent); err != nil {
		return 0, err
	}
	return s.Version(), nil
}

// commit writes e (encoded as data, or encoded here when nil) as a new
// version whose rollback goes to parent, and serves it. add are versions
// to record first. The order makes every crash safe: versions/NNNNNN.slc,
// versions.json keeping both the served version's chain and the new
// one's, engine.slc (whose content decides which version is served, see
// load), then versions.json with the new chain alone. A failure leaves the
// served version as it was, on disk and here.
func (s *Store) commit(e *engine.Engine, data []byte, parent int, add ...kept) error {
	if data == nil {
		var buf bytes.Buffer
		if err := engine.Encode(&buf, e); err != nil {
			return err
		}
		data = buf.Bytes()
	}
	cur := s.cur.Load()
	n := max(s.vf.Newest, cur.version) + 1
	all := versionFile{Format: 1, Newest: n, Base: cur.base,
		Kept: append(append(slices.Clone(s.vf.Kept), add...), kept{n, sum(data), parent})}
	slices.SortFunc(all.Kept, func(a, b kept) int { return a.Version - b.Version })
	final := all
	final.Kept = all.chain(n)
	if len(final.Kept) > Keep {
		final.Kept = final.Kept[len(final.Kept)-Keep:]
	}
	both := all
	both.Kept = slices.DeleteFunc(slices.Clone(all.Kept), func(k kept) bool {
		return !slices.Contains(final.Kept, k) && !slices.Contains(all.chain(cur.version), k)
	})
	if err := os.MkdirAll(filepath.Join(s.src.StateDir, VersionsDir), 0o750); err != nil {
		return err
	}
	path := s.versionPath(n)
	if err := s.src.Write(path, data); err != nil {
		return fmt.Errorf("saving the engine: %w", err)
	}
	if err := s.writeVersions(both); err != nil {
		os.Remove(path)
		return fmt.Errorf("saving the engine versions: %w", err)
	}
	s.vf = both // on disk; until engine.slc is written it also names a version not served
	if err := s.src.Write(s.Path(), data); err != nil {
		return fmt.Errorf("saving the engine: %w", err)
	}
	if s.writeVersions(final) == nil { // else the longer record stays, as valid
		s.vf = final
	}
	s.prune()
	next := &served{e: e, from: s.Path(), version: n, parent: parent, base: cur.base}
	next.previous = numbers(final.chain(parent))
	s.set(next)
	return nil
}

func (s *Store) writeVersions(vf versionFile) error {
	js, _ := json.MarshalIndent(vf, "", "  ")
	return s.src.Write(s.versionsFile(), append(js, '\n'))
}

// prune removes version files that versions.json does not keep.
func (s *Store) prune() {
	files, _ := filepath.Glob(filepath.Join(s.src.StateDir, VersionsDir, "*.slc"))
	for _, f := range files {
		v, err := strconv.Atoi(strings.TrimSuffix(filepath.Base(f), ".slc"))
		if err == nil && !slices.ContainsFunc(s.vf.Kept, func(k kept) bool { return k.Version == v }) {
			os.Remove(f)
		}
	}
}

// Sweep removes temporary files that a crash during a save left behind,
// and version files no longer kept. Only the process that owns the state
// directory may call it: another process's save in progress would lose
// its file.
func (s *Store) Sweep() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, pat := range []string{
		filepath.Join(s.src.StateDir, "."+FileName+".tmp-*"),
		filepath.Join(s.src.StateDir, "."+VersionsFile+".tmp-*"),
		filepath.Join(s.src.StateDir, VersionsDir, ".*.tmp-*"),
	} {
		tmps, _ := filepath.Glob(pat)
		for _, t := range tmps {
			os.Remove(t)
		}
	}
	s.prune()
}
