//go:build !purego

package gemm

// The Winograd kernels are generated (wino4_arm64.s), for NEON, which
// every ARMv8-A core has.
var wino4NEON = &wino4Set{
	name: "neon",
	// A row's tiles fit two groups of four in the input kernel's scratch
	// rows, and the product's block is 8 filters.
	fits: func(g Wino4) bool { return g.TW <= 8 && g.K%8 == 0 },
	in: func(g Wino4, v, src []float32) bool {
		return winoIn4(&v[0], g.LDT, &src[0], g.C, g.H*g.W, g.W, g.H, g.TH, g.TW) == 0
	},
	mul: func(g Wino4, m, v, u []float32) { winoMul4(&m[0], &v[0], &u[0], g.C, g.LDT, g.K, Wino4Points) },
	out: func(g Wino4, dst, m, bias []float32, lo float32) {
		winoOut4(&dst[0], &m[0], &bias[0], g.LDT, g.K, g.TH, g.TW, g.PH, g.PW, lo)
	},
}

func wino4Sets() []*wino4Set { return wino4Here }

var wino4Here = []*wino4Set{wino4NEON}

// wino4LDT rounds the tiles up to the products' blocks of 4, with room
// for the input kernel's last four-tile store (up to three tiles on).
func wino4LDT(tiles int) int { return (tiles + 6) / 4 * 4 }

// wino4Scratch is the input kernel's six rows of 48 values after V
// (gen.Wino4NEONScratch; TestWino4Scratch checks they agree).
const wino4Scratch = 6 * 48

//go:noescape
func winoIn4(v *float32, ldt int, src *float32, chans, plane, pitch, height, th, tw int) int

//go:noescape
func winoMul4(m, v, u *float32, chans, ldt, k, points int)

//go:noescape
func winoOut4(dst, m, bias *float32, ldt, k, th, tw, ph, pw int, lo float32)
