package candidates

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func input(v float32) []float32 {
	in := make([]float32, DigitShape.Len())
	for i := range in {
		if i%28 > 10 && i%28 < 18 {
			in[i] = v
		}
	}
	return in
}

func unknown(i int) Frame {
	return Frame{Time: time.Unix(int64(1000+i), 0), Source: fmt.Sprintf("cam%d", i),
		Answer: Answer{Class: "unknown", Score: 0.1, Nearest: "7"}, Input: input(float32(i%10) / 10)}
}

func open(t *testing.T, dir string, o Options) *Keeper {
	t.Helper()
	k, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	ents, _ := os.ReadDir(filepath.Join(dir, Folder))
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestOnlyUnsureAnswersAreKept(t *testing.T) {
	k := open(t, t.TempDir(), Options{Keep: 5, Below: 0.5})
	for _, tc := range []struct {
		a    Answer
		kept bool
	}{
		{Answer{Class: "7", Known: true, Score: 0.9}, false},
		{Answer{Class: "7", Known: true, Score: 0.5}, false},
		{Answer{Class: "7", Known: true, Score: 0.49}, true},
		{Answer{Class: "unknown", Known: false, Score: 0.95}, true},
	} {
		id, err := k.Offer(Frame{Source: "a", Answer: tc.a, Input: input(1)})
		if err != nil || (id != "") != tc.kept {
			t.Errorf("%+v: id %q, err %v; want kept %v", tc.a, id, err, tc.kept)
		}
	}
	if k.Len() != 2 {
		t.Fatalf("%d kept, want 2", k.Len())
	}
	if _, err := k.Offer(Frame{Source: "a", Answer: Answer{Class: "unknown"}, Input: make([]float32, 10)}); err == nil {
		t.Fatal("a short input was kept")
	}
}

func TestBoundOrderAndRestart(t *testing.T) {
	dir := t.TempDir()
	var gauge int
	k := open(t, dir, Options{Keep: 3, Below: 0.5, Kept: func(n int) { gauge = n }})
	var ids []string
	for i := 0; i < 5; i++ {
		id, err := k.Offer(unknown(i))
		if err != nil || id == "" {
			t.Fatalf("offer %d: %q %v", i, id, err)
		}
		ids = append(ids, id)
	}
	check := func(k *Keeper, when string) {
		t.Helper()
		l := k.List()
		if len(l) != 3 || l[0].ID != ids[4] || l[1].ID != ids[3] || l[2].ID != ids[2] {
			t.Fatalf("%s: list %v, want the last three newest first %v", when, idsOf(l), ids[2:])
		}
		if l[0].Source != "cam4" || l[0].Nearest != "7" || l[0].Known || !l[0].Time.Equal(time.Unix(1004, 0)) {
			t.Fatalf("%s: newest %+v", when, l[0].Answer)
		}
		if want := input(0.4); !slices.Equal(l[0].Input, want) {
			t.Fatalf("%s: input not kept exactly", when)
		}
		m, err := png.Decode(bytes.NewReader(l[0].Thumbnail))
		if err != nil || m.Bounds().Dx() != 84 {
			t.Fatalf("%s: thumbnail %v %v", when, m, err)
		}
		if _, ok := k.Get(ids[0]); ok {
			t.Fatalf("%s: the oldest is still there", when)
		}
		if n := len(files(t, dir)); n != 3 {
			t.Fatalf("%s: %d files, want 3: %v", when, n, files(t, dir))
		}
	}
	check(k, "before restart")
	if gauge != 3 {
		t.Fatalf("gauge %d, want 3", gauge)
	}
	k2 := open(t, dir, Options{Keep: 3, Below: 0.5})
	check(k2, "after restart")
	// Order goes on after a restart.
	id, _ := k2.Offer(unknown(9))
	if l := k2.List(); l[0].ID != id || len(l) != 3 || l[2].ID != ids[3] {
		t.Fatalf("after a restart's offer: %v", idsOf(l))
	}
	// Fewer kept: the oldest go, on disk too.
	if err := k2.Set(1, 0.5); err != nil {
		t.Fatal(err)
	}
	if l := k2.List(); len(l) != 1 || l[0].ID != id || len(files(t, dir)) != 1 {
		t.Fatalf("after keep 1: %v, files %v", idsOf(l), files(t, dir))
	}
	if err := k2.Set(-1, 0.5); err == nil {
		t.Fatal("keep -1 accepted")
	}
	if err := k2.Set(1, 1.5); err == nil {
		t.Fatal("below 1.5 accepted")
	}
	if err := k2.Set(0, 0.5); err != nil || k2.Len() != 0 || len(files(t, dir)) != 0 {
		t.Fatalf("keep 0: %v, %d kept, files %v", err, k2.Len(), files(t, dir))
	}
	if id, _ := k2.Offer(unknown(1)); id != "" {
		t.Fatal("kept with keep 0")
	}
}

func idsOf(l []Candidate) []string {
	var out []string
	for _, c := range l {
		out = append(out, c.ID)
	}
	return out
}

func TestCorruptFileSkipped(t *testing.T) {
	dir := t.TempDir()
	k := open(t, dir, Options{Keep: 10, Below: 0.5})
	good, _ := k.Offer(unknown(1))
	bad, _ := k.Offer(unknown(2))
	sub := filepath.Join(dir, Folder)
	data, _ := os.ReadFile(filepath.Join(sub, bad+".json"))
	os.WriteFile(filepath.Join(sub, bad+".json"), data[:len(data)/2], 0o644)
	os.WriteFile(filepath.Join(sub, "0123456789abcdef.json"), []byte(`{"id":"0123456789abcdef","seq":7,"time":"2024-01-01T00:00:00Z","input":[1,2]}`), 0o644)
	os.WriteFile(filepath.Join(sub, "fedcba9876543210.json"), bytes.Replace(data, []byte(bad), []byte("fedcba9876543210"), 1), 0o644) // a copy under another name
	os.WriteFile(filepath.Join(sub, "."+good+".json.tmp-123"), []byte("half"), 0o644)
	os.WriteFile(filepath.Join(sub, "notes.txt"), []byte("mine"), 0o644)

	var logs strings.Builder
	k2 := open(t, dir, Options{Keep: 10, Below: 0.5, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if l := k2.List(); len(l) != 2 || l[0].ID != "fedcba9876543210" || l[1].ID != good {
		t.Fatalf("after corruption: %v, want the good one and the renamed copy", idsOf(l))
	}
	if n := strings.Count(logs.String(), "candidate file skipped"); n != 2 {
		t.Fatalf("%d skip lines, want 2:\n%s", n, logs.String())
	}
	for _, want := range []string{bad + ".json", "0123456789abcdef.json"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log does not name %s:\n%s", want, logs.String())
		}
	}
	if _, err := os.Stat(filepath.Join(sub, "."+good+".json.tmp-123")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a crash's temporary file left in place")
	}
}

func TestRemoveAndClaim(t *testing.T) {
	dir := t.TempDir()
	k := open(t, dir, Options{Keep: 10, Below: 0.5})
	a, _ := k.Offer(unknown(1))
	b, _ := k.Offer(unknown(2))
	if err := k.Remove("0000000000000000"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("remove of a missing id: %v", err)
	}
	if err := k.Remove(a); err != nil || k.Len() != 1 || len(files(t, dir)) != 1 {
		t.Fatalf("remove: %v, %d kept", err, k.Len())
	}
	c, done, err := k.Claim(b)
	if err != nil || c.ID != b {
		t.Fatalf("claim: %v", err)
	}
	if _, _, err := k.Claim(b); !errors.Is(err, ErrBusy) {
		t.Fatalf("second claim: %v", err)
	}
	done(false)
	if k.Len() != 1 {
		t.Fatal("a given back claim removed the candidate")
	}
	_, done, err = k.Claim(b)
	if err != nil {
		t.Fatalf("claim after give back: %v", err)
	}
	if err := done(true); err != nil || k.Len() != 0 || len(files(t, dir)) != 0 {
		t.Fatalf("done(true): %v, %d kept, files %v", err, k.Len(), files(t, dir))
	}
	if _, _, err := k.Claim(b); !errors.Is(err, ErrNotFound) {
		t.Fatalf("claim of an enrolled candidate: %v", err)
	}
}

func TestWriteFailureKeepsNothing(t *testing.T) {
	dir := t.TempDir()
	k := open(t, dir, Options{Keep: 10, Below: 0.5, Write: func(string, []byte) error { return errors.New("disk full") }})
	if id, err := k.Offer(unknown(1)); err == nil || id != "" || k.Len() != 0 {
		t.Fatalf("offer with a failing disk: %q %v, %d kept", id, err, k.Len())
	}
}

func TestConcurrentOffers(t *testing.T) {
	dir := t.TempDir()
	k := open(t, dir, Options{Keep: 7, Below: 0.5})
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				id, err := k.Offer(unknown(g*10 + i))
				if err != nil {
					t.Error(err)
				}
				k.List()
				if i%3 == 0 {
					k.Remove(id)
				}
			}
		}()
	}
	wg.Wait()
	if n := k.Len(); n > 7 {
		t.Fatalf("%d kept after the concurrent offers", n)
	}
	for i := 0; i < 7; i++ {
		k.Offer(unknown(100 + i))
	}
	l := k.List()
	if len(l) != 7 || len(files(t, dir)) != 7 {
		t.Fatalf("%d kept, files %d, want 7", len(l), len(files(t, dir)))
	}
	for i := 1; i < len(l); i++ {
		if l[i].Seq >= l[i-1].Seq {
			t.Fatalf("not newest first: %d after %d", l[i].Seq, l[i-1].Seq)
		}
	}
}
