package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCandidatesDefaultsFileAndFlags(t *testing.T) {
	if c := Default(); c.Candidates != (Candidates{Keep: 50, Below: 0.5}) {
		t.Fatalf("default candidates %+v", c.Candidates)
	}
	c, err := Parse([]byte("candidates: {keep: 10}\n"))
	if err != nil || c.Candidates != (Candidates{Keep: 10, Below: 0.5}) {
		t.Fatalf("keep alone: %+v %v", c.Candidates, err)
	}
	path := filepath.Join(t.TempDir(), "sliced.yaml")
	os.WriteFile(path, []byte("candidates: {keep: 10, below: 0.2}\n"), 0o644)
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f := NewFlags(fs)
	if err := fs.Parse([]string{"--config", path, "--candidates-below", "0.7"}); err != nil {
		t.Fatal(err)
	}
	c, err = f.LoadWithFlags()
	if err != nil || c.Candidates != (Candidates{Keep: 10, Below: 0.7}) {
		t.Fatalf("file and flag: %+v %v, want keep from the file, below from the flag", c.Candidates, err)
	}
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	f = NewFlags(fs)
	if err := fs.Parse([]string{"--candidates-keep", "0"}); err != nil {
		t.Fatal(err)
	}
	if c, err := f.LoadWithFlags(); err != nil || c.Candidates.Keep != 0 {
		t.Fatalf("--candidates-keep 0: %+v %v", c.Candidates, err)
	}
}

func TestCandidatesValidated(t *testing.T) {
	for _, tc := range []struct{ yaml, key string }{
		{"candidates: {keep: -1}", "candidates.keep"},
		{"candidates: {keep: 1001}", "candidates.keep"},
		{"candidates: {below: 1.5}", "candidates.below"},
		{"candidates: {below: -0.1}", "candidates.below"},
		{"candidates: {below: .nan}", "candidates.below"},
	} {
		c, err := Parse([]byte(tc.yaml))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s: %v, want an error naming %s", tc.yaml, err, tc.key)
		}
	}
	if _, err := Parse([]byte("candidates: {keep: 5, every: 2}")); err == nil || !strings.Contains(err.Error(), "every") {
		t.Errorf("an unknown candidates key: %v", err)
	}
}
