package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

func openFixture(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(Sources{StateDir: dir, Default: func() (*engine.Engine, error) { return fixture.Engine(models.B, 1), nil }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// examples are the digit d drawn at a few offsets.
func examples(d int) [][]float32 {
	var in [][]float32
	for _, dx := range []int{-1, 0, 1} {
		in = append(in, fixture.Tensor(fixture.Digit(d, dx, 0)))
	}
	return in
}

func TestEnrolmentSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s := openFixture(t, dir)
	if s.From() != "embedded" {
		t.Fatalf("from %q", s.From())
	}
	before := s.Engine()
	n, err := s.Add("seven-again", examples(7))
	if err != nil || n != 3 {
		t.Fatalf("Add: %d, %v", n, err)
	}
	if before.KNN.Len() != 50 || len(before.KNN.Classes) != 10 {
		t.Fatal("Add changed the engine that was served before it")
	}
	if s.Engine().KNN.Len() != 53 {
		t.Fatalf("served engine has %d prototypes", s.Engine().KNN.Len())
	}
	again := openFixture(t, dir)
	if again.From() != filepath.Join(dir, FileName) || again.Version() != 2 {
		t.Fatalf("restart loaded %q version %d, want the state file, version 2", again.From(), again.Version())
	}
	cls := again.Classes()
	if len(cls) != 11 || cls[10] != (Class{Name: "seven-again", Examples: 3}) {
		t.Fatalf("classes after restart: %+v", cls)
	}
	ok, err := again.Remove("seven-again")
	if !ok || err != nil {
		t.Fatalf("Remove: %v %v", ok, err)
	}
	if ok, _ := again.Remove("nine-hundred"); ok {
		t.Fatal("removing an unknown class reported success")
	}
	if len(openFixture(t, dir).Classes()) != 10 {
		t.Fatal("removal not persisted")
	}
}

func TestReloadKeepsOldOnCorruptEngine(t *testing.T) {
	dir := t.TempDir()
	s := openFixture(t, dir)
	bad := filepath.Join(t.TempDir(), "bad.slc")
	os.WriteFile(bad, []byte("definitely not an engine"), 0o644)
	old := s.Engine()
	err := s.Reload(Sources{StateDir: t.TempDir(), Configured: bad})
	if err == nil {
		t.Fatal("a corrupt engine was accepted")
	}
	if s.Engine() != old {
		t.Fatal("the served engine changed after a failed reload")
	}
	if _, err := s.Add("x", examples(1)); err != nil || s.Path() != filepath.Join(dir, FileName) {
		t.Fatalf("the old sources should still be in force: %v, %s", err, s.Path())
	}
}

func TestFullCNNRefusesEnrolment(t *testing.T) {
	s, err := Open(Sources{StateDir: t.TempDir(), Default: func() (*engine.Engine, error) { return fixture.FullCNN(models.B, 1), nil }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add("x", examples(1)); err != ErrNotSliced {
		t.Fatalf("err = %v", err)
	}
}

const childEnv = "SLICED_STORE_ENROL_CHILD"

// TestMain turns the test binary into the enrolling child of
// TestKillDuringEnrolment when asked.
func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		s, err := Open(Sources{StateDir: dir, Default: func() (*engine.Engine, error) { return fixture.Engine(models.B, 1), nil }})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		for i := 0; ; i++ {
			if _, err := s.Add("c"+strconv.Itoa(i%5), examples(i%10)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(4)
			}
			if i%4 == 3 {
				s.Remove("c" + strconv.Itoa((i+2)%5))
			}
		}
	}
	os.Exit(m.Run())
}

// A child enrols in a loop and is killed with SIGKILL at random moments;
// the state file must always load.
func TestKillDuringEnrolment(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(11, 12))
	last := 0
	for round := 0; round < 8; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+dir)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(100+rng.IntN(300)) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		path := filepath.Join(dir, FileName)
		e, err := engine.Load(path)
		if err != nil {
			if os.IsNotExist(err) && round == 0 {
				continue // killed before the first save
			}
			t.Fatalf("round %d: the engine file does not load after kill -9: %v", round, err)
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		// The version record agrees with the file: the numbers only grow
		// and a rollback finds its version.
		s := openFixture(t, dir)
		if s.Version() < last || s.Engine().KNN.Len() != e.KNN.Len() {
			t.Fatalf("round %d: version %d after %d, %d prototypes served of %d", round, s.Version(), last, s.Engine().KNN.Len(), e.KNN.Len())
		}
		last = s.Version()
		t.Logf("round %d: version %d, %d classes, %d prototypes", round, last, len(e.KNN.Classes), e.KNN.Len())
	}
	if _, err := openFixture(t, dir).Rollback(); err != nil {
		t.Fatalf("rollback after the kills: %v", err)
	}
	// Temporary files of killed writes are swept by the next owner.
	s := openFixture(t, dir)
	s.Sweep()
	for _, pat := range []string{".*tmp*", VersionsDir + "/.*tmp*"} {
		if left, _ := filepath.Glob(filepath.Join(dir, pat)); len(left) != 0 {
			t.Fatalf("temporary files left after Sweep: %v", left)
		}
	}
	if got := versionFiles(t, dir); len(got) > Keep {
		t.Fatalf("%d version files after Sweep: %v", len(got), got)
	}
}
