//go:build !purego

package gemm

// The Winograd kernels are generated (wino4_amd64.s): AVX-512, and AVX2
// with FMA where AVX-512 is missing.

var (
	wino4AVX512 = &wino4Set{
		name: "avx512",
		// A row fits two 16-lane registers, the permute indexes 32
		// values, and the product's block is 64 filters.
		fits: func(g Wino4) bool { return g.W <= 32 && 4*(g.TW-1)+5 <= 31 && g.K%64 == 0 },
		in: func(g Wino4, v, src []float32) bool {
			mlo, mhi := lanes(min(g.W, 16)), lanes(max(g.W-16, 0))
			return winoIn4(&v[0], g.LDT, &src[0], g.C, g.H*g.W, g.W, g.H, g.TH, g.TW, mlo, mhi, lanes(g.TW)) == 0
		},
		mul: func(g Wino4, m, v, u []float32) { winoMul4(&m[0], &v[0], &u[0], g.C, g.LDT, g.K, Wino4Points) },
		out: func(g Wino4, dst, m, bias []float32, lo float32) {
			var idx [16]int32
			for i := range idx {
				idx[i] = int32(i * g.PH * g.PW)
			}
			winoOut4(&dst[0], &m[0], &bias[0], g.LDT, g.K, g.TH, g.TW, g.PH, g.PW, &idx[0], lo)
		},
	}
	wino4AVX2 = &wino4Set{
		name: "avx2",
		// A row's tiles fit one 8-lane register, and the product's block
		// is 16 filters.
		fits: func(g Wino4) bool { return g.W <= 32 && g.TW <= 8 && g.K%16 == 0 },
		in: func(g Wino4, v, src []float32) bool {
			return winoIn4AVX2(&v[0], g.LDT, &src[0], g.C, g.H*g.W, g.W, g.H, g.TH, g.TW) == 0
		},
		mul: func(g Wino4, m, v, u []float32) { winoMul4AVX2(&m[0], &v[0], &u[0], g.C, g.LDT, g.K, Wino4Points) },
		out: func(g Wino4, dst, m, bias []float32, lo float32) {
			winoOut4AVX2(&dst[0], &m[0], &bias[0], g.LDT, g.K, g.TH, g.TW, g.PH, g.PW, lo)
		},
	}
)

// wino4Sets lists the kernel sets this CPU runs, fastest first.
func wino4Sets() []*wino4Set { return wino4Here }

var wino4Here = func() []*wino4Set {
	var s []*wino4Set
	if hasAVX512() {
		s = append(s, wino4AVX512)
	}
	if hasAVX2() {
		s = append(s, wino4AVX2)
	}
	return s
}()

// wino4LDT rounds the tiles up to the products' blocks of 6 and 3 (both
// sets).
func wino4LDT(tiles int) int { return (tiles + 2) / 3 * 3 }

// wino4Scratch is the AVX2 input kernel's scratch after V
// (gen.Wino4AVX2Scratch; TestWino4Scratch checks they agree).
const wino4Scratch = 6*4*16 + 5*8

//go:noescape
func winoIn4(v *float32, ldt int, src *float32, chans, plane, pitch, height, th, tw, mlo, mhi, mtw int) int

//go:noescape
func winoMul4(m, v, u *float32, chans, ldt, k, points int)

//go:noescape
func winoOut4(dst, m, bias *float32, ldt, k, th, tw, ph, pw int, idx *int32, lo float32)

//go:noescape
func winoIn4AVX2(v *float32, ldt int, src *float32, chans, plane, pitch, height, th, tw int) int

//go:noescape
func winoMul4AVX2(m, v, u *float32, chans, ldt, k, points int)

//go:noescape
func winoOut4AVX2(dst, m, bias *float32, ldt, k, th, tw, ph, pw int, lo float32)
