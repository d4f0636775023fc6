package gen

import "fmt"

// QConvAMD64 writes qconv_amd64.s: the kernels of engine/gemm/qconv.go's
// integer convolution for AVX-512 with VNNI.
func QConvAMD64() string {
	w := &asm{}
	w.b.WriteString(header)
	w.b.WriteString("//go:build !purego\n\n#include \"textflag.h\"\n")
	qMinMax(w)
	qPack(w)
	qTile(w)
	return w.String()
}

// qMinMax: the smallest, largest and sum of 16*blocks values, in three
// registers of 16 lanes folded at the end.
func qMinMax(w *asm) {
	w.comment("func minMax16(blocks int, x *float32) (lo, hi, sum float32)")
	w.text("minMax16", 28)
	for _, s := range []string{
		"MOVQ blocks+0(FP), CX",
		"MOVQ x+8(FP), SI",
		"VMOVUPS (SI), Z0",
		"VMOVAPS Z0, Z1",
		"VPXORD Z2, Z2, Z2",
	} {
		w.line("%s", s)
	}
	w.label("mmloop")
	w.line("VMOVUPS (SI), Z3")
	w.line("VMINPS Z3, Z0, Z0")
	w.line("VMAXPS Z3, Z1, Z1")
	w.line("VADDPS Z3, Z2, Z2")
	w.line("ADDQ $64, SI")
	w.line("DECQ CX")
	w.line("JNZ mmloop")
	// Fold 16 lanes to 1: 256-bit halves, 128-bit halves, then in-lane.
	fold := func(op string, z int) {
		w.line("VEXTRACTF64X4 $1, Z%d, Y4", z)
		w.line("%s Y4, Y%d, Y%d", op, z, z)
		w.line("VEXTRACTF128 $1, Y%d, X4", z)
		w.line("%s X4, X%d, X%d", op, z, z)
		w.line("VPERMILPS $0x4e, X%d, X4", z)
		w.line("%s X4, X%d, X%d", op, z, z)
		w.line("VPERMILPS $0xb1, X%d, X4", z)
		w.line("%s X4, X%d, X%d", op, z, z)
	}
	fold("VMINPS", 0)
	fold("VMAXPS", 1)
	fold("VADDPS", 2)
	w.line("MOVSS X0, lo+16(FP)")
	w.line("MOVSS X1, hi+20(FP)")
	w.line("MOVSS X2, sum+24(FP)")
	w.line("VZEROUPPER")
	w.line("RET")
}

// qPack: per 4 rows of the im2col and 16 pixels, each row's values times
// inv plus the zero point, rounded to integers, clamped to 0..255 and
// shifted to byte t of each pixel's 32 bits (ORed into Z0): 64 bytes, the
// 4 rows' codes of 16 pixels. Rows past k stay 0; the last chunk's loads
// are masked by tail (K1).
func qPack(w *asm) {
	w.comment("func qpack4(k, k4, chunks int, col *float32, ldc int, inv, zf float32, x *uint8, ldx, tail int)")
	w.text("qpack4", 72)
	for _, s := range []string{
		"MOVQ k+0(FP), R8",
		"MOVQ k4+8(FP), R9",
		"MOVQ col+24(FP), SI",
		"MOVQ ldc+32(FP), R10",
		"SHLQ $2, R10", // bytes between rows
		"VBROADCASTSS inv+40(FP), Z28",
		"VBROADCASTSS zf+44(FP), Z29",
		"VPXORD Z30, Z30, Z30",
		"MOVL $255, AX",
		"VPBROADCASTD AX, Z31",
		"MOVQ x+48(FP), DI",
		"MOVQ ldx+56(FP), R11",
		"MOVQ tail+64(FP), AX",
		"KMOVW AX, K2",
		"XORQ R12, R12", // first row of this group
	} {
		w.line("%s", s)
	}
	w.label("pkgroup")
	w.line("MOVQ SI, BX") // this group's first row, at chunk 0
	w.line("MOVQ DI, DX") // its codes
	w.line("MOVQ chunks+16(FP), CX")
	w.label("pkchunk")
	w.line("KXNORW K1, K1, K1")
	w.line("CMPQ CX, $1")
	w.line("JNE pkfull")
	w.line("KMOVW K2, K1")
	w.label("pkfull")
	w.line("VPXORD Z0, Z0, Z0")
	w.line("MOVQ BX, AX")
	for t := 0; t < 4; t++ {
		skip := fmt.Sprintf("pkskip%d", t)
		w.line("LEAQ %d(R12), R13", t)
		w.line("CMPQ R13, R8")
		w.line("JGE %s", skip)
		w.line("VMOVUPS.Z (AX), K1, Z1")
		w.line("VMULPS Z28, Z1, Z1")
		w.line("VADDPS Z29, Z1, Z1")
		w.line("VCVTPS2DQ Z1, Z1")
		w.line("VPMAXSD Z30, Z1, Z1")
		w.line("VPMINSD Z31, Z1, Z1")
		if t > 0 {
			w.line("VPSLLD $%d, Z1, Z1", 8*t)
		}
		w.line("VPORD Z1, Z0, Z0")
		w.label(skip)
		w.line("ADDQ R10, AX")
	}
	for _, s := range []string{
		"VMOVDQU32 Z0, (DX)",
		"ADDQ $64, BX",
		"ADDQ $64, DX",
		"DECQ CX",
		"JNZ pkchunk",
		"LEAQ (SI)(R10*4), SI",
		"ADDQ R11, DI",
		"ADDQ $4, R12",
		"DECQ R9",
		"JNZ pkgroup",
		"VZEROUPPER",
		"RET",
	} {
		w.line("%s", s)
	}
}

// qTile: 8 filters by 32 pixels in Z0-Z15 (filter f in Z2f, Z2f+1); per 4
// taps two loads of the pixels' codes and 16 VPDPBUSD, each with one
// filter's 4 codes broadcast from memory. The sums go out as float32
// times sc plus off, clamped at lo, stored under the masks of the two
// halves.
func qTile(w *asm) {
	w.comment("func qtile8(k4 int, w *int8, x *uint8, ldx int, out *float32, ldo int, sc, off *float32, lo float32, mlo, mhi int)")
	w.text("qtile8", 88)
	for _, s := range []string{
		"MOVQ k4+0(FP), CX",
		"MOVQ w+8(FP), SI",
		"MOVQ x+16(FP), BX",
		"MOVQ ldx+24(FP), DX",
	} {
		w.line("%s", s)
	}
	for i := 0; i < 16; i++ {
		w.line("VPXORD Z%d, Z%d, Z%d", i, i, i)
	}
	w.label("qtloop")
	w.line("VMOVDQU32 (BX), Z16")
	w.line("VMOVDQU32 64(BX), Z17")
	for f := 0; f < 8; f++ {
		w.line("VPDPBUSD.BCST %d(SI), Z16, Z%d", 4*f, 2*f)
		w.line("VPDPBUSD.BCST %d(SI), Z17, Z%d", 4*f, 2*f+1)
	}
	w.line("ADDQ $32, SI")
	w.line("ADDQ DX, BX")
	w.line("DECQ CX")
	w.line("JNZ qtloop")
	for _, s := range []string{
		"MOVQ out+32(FP), DI",
		"MOVQ ldo+40(FP), R8",
		"SHLQ $2, R8",
		"MOVQ sc+48(FP), R9",
		"MOVQ off+56(FP), R10",
		"VBROADCASTSS lo+64(FP), Z31",
		"MOVQ mlo+72(FP), AX",
		"KMOVW AX, K1",
		"MOVQ mhi+80(FP), AX",
		"KMOVW AX, K2",
	} {
		w.line("%s", s)
	}
	for f := 0; f < 8; f++ {
		w.line("VBROADCASTSS %d(R9), Z18", 4*f)
		w.line("VBROADCASTSS %d(R10), Z19", 4*f)
		for h := 0; h < 2; h++ {
			a := 2*f + h
			w.line("VCVTDQ2PS Z%d, Z%d", a, a)
			w.line("VMULPS Z18, Z%d, Z%d", a, a)
			w.line("VADDPS Z19, Z%d, Z%d", a, a)
			w.line("VMAXPS Z31, Z%d, Z%d", a, a)
			w.line("VMOVUPS Z%d, K%d, %d(DI)", a, h+1, 64*h)
		}
		w.line("ADDQ R8, DI")
	}
	w.line("VZEROUPPER")
	w.line("RET")
}
