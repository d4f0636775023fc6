package needs

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
)

// Every name the run requires is one some test checks for: a misspelt
// name would otherwise require nothing.
func TestListedAreKnown(t *testing.T) {
	for _, s := range Listed() {
		if !slices.Contains(Known, s) {
			t.Errorf("%s lists %q; known: %v", Env, s, Known)
		}
	}
}

// recorder stands in for a test: Skip and Fatalf end its goroutine as they
// end a test's.
type recorder struct {
	testing.TB
	ended string
}

func (r *recorder) Helper() {}
func (r *recorder) Skip(args ...any) {
	r.ended = "skip: " + fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.ended = "fatal: " + fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func run(f func(t testing.TB)) string {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
		r.ended = "returned"
	}()
	<-done
	return r.ended
}

func TestMissing(t *testing.T) {
	for _, c := range []struct{ env, want string }{
		{"", "skip: no promtool here"},
		{"onnxruntime", "skip: no promtool here"},
		{"onnxruntime, promtool", "fatal: no promtool here; " + Env + "=onnxruntime, promtool requires promtool"},
		{"promtool", "fatal: no promtool here; " + Env + "=promtool requires promtool"},
	} {
		t.Setenv(Env, c.env)
		if got := run(func(t testing.TB) { Missing(t, "promtool", "no promtool here") }); got != c.want {
			t.Errorf("%s=%q: %q, want %q", Env, c.env, got, c.want)
		}
	}
}

func TestTool(t *testing.T) {
	t.Setenv(Env, "")
	var path string
	if got := run(func(t testing.TB) { path = Tool(t, "sh", "apt-get install dash") }); got != "returned" || path == "" {
		t.Errorf("sh: %q, path %q", got, path)
	}
	const absent = "sliced-no-such-tool"
	if got := run(func(t testing.TB) { Tool(t, absent, "nowhere") }); got != "skip: "+absent+" not installed (nowhere)" {
		t.Errorf("%s: %q", absent, got)
	}
	t.Setenv(Env, absent)
	if got := run(func(t testing.TB) { Tool(t, absent, "nowhere") }); got != "fatal: "+absent+" not installed (nowhere); "+Env+"="+absent+" requires "+absent {
		t.Errorf("%s required: %q", absent, got)
	}
}
