package gen

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The Go assembler's test data (cmd/asm/internal/asm/testdata/arm64enc.s)
// gives FMLA V28.S[2], V2.S2, V30.S2 as 5e189c0f; the 4S form sets Q.
func TestFmlaElem(t *testing.T) {
	if got, want := fmlaElem(30, 2, 28, 2), uint32(0x0f9c185e|1<<30); got != want {
		t.Errorf("FMLA V30.4S, V2.4S, V28.S[2] = %#08x, want %#08x", got, want)
	}
}

func TestFmax(t *testing.T) {
	if got, want := fmax(14, 27, 23)|1<<22, uint32(0x4e77f76e); got != want {
		t.Errorf("FMAX V14.2D, V27.2D, V23.2D = %#08x, want %#08x", got, want)
	}
}

// The NEON words the Winograd and int8 kernels use, against the GNU
// assembler where Debian's binutils-aarch64-linux-gnu is installed.
func TestNEONWordsAgainstGNU(t *testing.T) {
	as, err := exec.LookPath("aarch64-linux-gnu-as")
	if err != nil {
		t.Skip("aarch64-linux-gnu-as not found (apt-get install binutils-aarch64-linux-gnu)")
	}
	objdump, err := exec.LookPath("aarch64-linux-gnu-objdump")
	if err != nil {
		t.Skip("aarch64-linux-gnu-objdump not found")
	}
	cases := []struct {
		text string
		word uint32
	}{
		{"fadd v3.4s, v5.4s, v17.4s", faddW(3, 5, 17)},
		{"fsub v31.4s, v0.4s, v16.4s", fsubW(31, 0, 16)},
		{"fmla v3.4s, v5.4s, v30.s[3]", fmlaElem(3, 5, 30, 3)},
		{"fmls v3.4s, v5.4s, v30.s[2]", fmlsElem(3, 5, 30, 2)},
		{"fmls v20.4s, v9.4s, v30.s[1]", fmlsElem(20, 9, 30, 1)},
		{"fmax v6.4s, v4.4s, v5.4s", fmax(6, 4, 5)},
		{"sdot v3.4s, v16.16b, v18.4b[2]", sdotElem(3, 16, 18, 2)},
		{"sdot v13.4s, v17.16b, v19.4b[3]", sdotElem(13, 17, 19, 3)},
		{"fmul v3.4s, v5.4s, v28.4s", fmulW(3, 5, 28)},
		{"fcvtns v3.4s, v5.4s", fcvtnsW(3, 5)},
		{"sqxtn v4.4h, v0.4s", sqxtnW(4, 0, true, false)},
		{"sqxtn2 v4.8h, v1.4s", sqxtnW(4, 1, true, true)},
		{"sqxtn v16.8b, v4.8h", sqxtnW(16, 4, false, false)},
		{"sqxtn2 v16.16b, v5.8h", sqxtnW(16, 5, false, true)},
		{"scvtf v3.4s, v5.4s", scvtfW(3, 5)},
		{"fmin v4.4s, v4.4s, v0.4s", fminW(4, 4, 0)},
	}
	dir := t.TempDir()
	var src strings.Builder
	for _, c := range cases {
		src.WriteString(c.text + "\n")
	}
	s, o := filepath.Join(dir, "w.s"), filepath.Join(dir, "w.o")
	if err := os.WriteFile(s, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(as, "-march=armv8.2-a+dotprod", "-o", o, s).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	out, err := exec.Command(objdump, "-d", o).Output()
	if err != nil {
		t.Fatal(err)
	}
	var words []uint32
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && strings.HasSuffix(f[0], ":") {
			if w, err := strconv.ParseUint(f[1], 16, 32); err == nil && len(f[1]) == 8 {
				words = append(words, uint32(w))
			}
		}
	}
	if len(words) != len(cases) {
		t.Fatalf("objdump gave %d words for %d instructions:\n%s", len(words), len(cases), out)
	}
	for i, c := range cases {
		if words[i] != c.word {
			t.Errorf("%s: GNU %#08x, ours %#08x", c.text, words[i], c.word)
		}
	}
}
