package gen

import "testing"

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
