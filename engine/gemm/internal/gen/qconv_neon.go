package gen

import "fmt"

// QConvARM64 writes qconv_arm64.s: the integer convolution's kernels (and
// MinMax's) for
// NEON with the dot-product extension (SDOT, ARMv8.2 and later: Cortex-A55,
// A76, Orin's A78AE; not the A53, A57 or A72 of older boards). SDOT is
// signed by signed, so the codes are stored as code - 128 and each sum gets
// 128 times its filter's code sum back before it turns float: the same
// int32 as the unsigned product of the AVX-512 kernels.
func QConvARM64() string {
	w := &asm{}
	w.b.WriteString(header)
	w.b.WriteString("//go:build !purego\n\n#include \"textflag.h\"\n")
	qMinMaxNEON(w)
	qPackNEON(w)
	qTileNEON(w)
	return w.String()
}

func fminW(d, n, m int) uint32 { return 0x4ea0f400 | uint32(m)<<16 | uint32(n)<<5 | uint32(d) }

// qMinMaxNEON: the smallest, largest and sum of 16*blocks values, each in
// four registers (V4-V7, V8-V11, V12-V15) folded at the end; FMIN and
// FMAX keep a NaN, the sum an infinity.
func qMinMaxNEON(w *asm) {
	a := neon{w}
	w.comment("func minMax16(blocks int, x *float32) (lo, hi, sum float32)")
	w.text("minMax16", 28)
	w.line("MOVD blocks+0(FP), R0")
	w.line("MOVD x+8(FP), R1")
	w.line("VLD1 (R1), [V4.S4, V5.S4, V6.S4, V7.S4]")
	for i := 0; i < 4; i++ {
		a.mov(8+i, 4+i)
		a.zero(12 + i)
	}
	w.label("mmloop")
	w.line("VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]")
	for i := 0; i < 4; i++ {
		word(w, fminW(4+i, 4+i, i), "FMIN V%d.4S, V%d.4S, V%d.4S", 4+i, 4+i, i)
		a.max(8+i, 8+i, i)
		a.add(12+i, 12+i, i)
	}
	w.line("SUBS $1, R0, R0")
	w.line("BNE mmloop")
	for _, r := range []int{4, 8, 12} {
		for i := 1; i < 4; i++ {
			switch r {
			case 4:
				word(w, fminW(r, r, r+i), "FMIN V%d.4S, V%d.4S, V%d.4S", r, r, r+i)
			case 8:
				a.max(r, r, r+i)
			case 12:
				a.add(r, r, r+i)
			}
		}
	}
	word(w, 0x6eb0f800|4<<5|0, "FMINV S0, V4.4S")
	word(w, 0x6e30f800|8<<5|1, "FMAXV S1, V8.4S")
	word(w, 0x6e20d400|12<<16|12<<5|12, "FADDP V12.4S, V12.4S, V12.4S")
	word(w, 0x7e30d800|12<<5|2, "FADDP S2, V12.2S")
	w.line("FMOVS F0, lo+16(FP)")
	w.line("FMOVS F1, hi+20(FP)")
	w.line("FMOVS F2, sum+24(FP)")
	w.line("RET")
}

func sdotElem(d, n, m, idx int) uint32 {
	h, l := uint32(idx>>1)&1, uint32(idx)&1
	return 0x4f80e000 | l<<21 | uint32(m>>4)<<20 | uint32(m&15)<<16 | h<<11 | uint32(n)<<5 | uint32(d)
}

func fmulW(d, n, m int) uint32 { return 0x6e20dc00 | uint32(m)<<16 | uint32(n)<<5 | uint32(d) }
func fcvtnsW(d, n int) uint32  { return 0x4e21a800 | uint32(n)<<5 | uint32(d) }
func scvtfW(d, n int) uint32   { return 0x4e21d800 | uint32(n)<<5 | uint32(d) }

// sqxtnW narrows with saturation: from 32 to 16 bits (wide) or 16 to 8,
// into the low half of d or, with upper, its high half.
func sqxtnW(d, n int, from32, upper bool) uint32 {
	op := uint32(0x0e214800)
	if from32 {
		op = 0x0e614800
	}
	if upper {
		op |= 1 << 30
	}
	return op | uint32(n)<<5 | uint32(d)
}

func word(w *asm, v uint32, text string, args ...any) {
	w.line("WORD $0x%08x // %s", v, fmt.Sprintf(text, args...))
}

// qPackNEON: per 4 rows of the im2col and 16 pixels, each row's values
// times inv plus the zero point, rounded to nearest (FCVTNS), minus 128,
// narrowed with saturation to 8 bits; ST4 interleaves the 4 rows into the
// 4 bytes of each pixel. Rows past k stay 0 (V16-V19 zeroed).
func qPackNEON(w *asm) {
	a := neon{w}
	w.comment("func qpack4NEON(k, k4, chunks int, col *float32, ldc int, inv, zf float32, x *uint8, ldx int)")
	w.text("qpack4NEON", 64)
	for _, s := range []string{
		"MOVD k+0(FP), R8",
		"MOVD k4+8(FP), R9",
		"MOVD col+24(FP), R0",
		"MOVD ldc+32(FP), R10",
		"LSL $2, R10, R10",
		"MOVD $inv+40(FP), R1",
		"VLD1R (R1), [V28.S4]",
		"MOVD $zf+44(FP), R1",
		"VLD1R (R1), [V29.S4]",
		"MOVW $128, R1",
		"VDUP R1, V30.S4",
		"MOVD x+48(FP), R2",
		"MOVD ldx+56(FP), R11",
		"MOVD ZR, R12", // first row of this group
		"CBZ R9, qpdone",
	} {
		w.line("%s", s)
	}
	w.label("qpgroup")
	w.line("MOVD R0, R3") // the group's first row at this chunk
	w.line("MOVD R2, R4") // its codes
	w.line("MOVD chunks+16(FP), R5")
	w.line("CBZ R5, qpnext")
	w.label("qpchunk")
	w.line("MOVD R3, R6")
	for t := 0; t < 4; t++ {
		dst := 16 + t
		skip := fmt.Sprintf("qpskip%d", t)
		a.zero(dst)
		w.line("ADD $%d, R12, R7", t)
		w.line("CMP R8, R7")
		w.line("BGE %s", skip)
		w.line("VLD1 (R6), [V0.S4, V1.S4, V2.S4, V3.S4]")
		for i := 0; i < 4; i++ {
			word(w, fmulW(i, i, 28), "FMUL V%d.4S, V%d.4S, V28.4S", i, i)
			a.add(i, i, 29)
			word(w, fcvtnsW(i, i), "FCVTNS V%d.4S, V%d.4S", i, i)
			w.line("VSUB V30.S4, V%d.S4, V%d.S4", i, i)
		}
		word(w, sqxtnW(4, 0, true, false), "SQXTN V4.4H, V0.4S")
		word(w, sqxtnW(4, 1, true, true), "SQXTN2 V4.8H, V1.4S")
		word(w, sqxtnW(5, 2, true, false), "SQXTN V5.4H, V2.4S")
		word(w, sqxtnW(5, 3, true, true), "SQXTN2 V5.8H, V3.4S")
		word(w, sqxtnW(dst, 4, false, false), "SQXTN V%d.8B, V4.8H", dst)
		word(w, sqxtnW(dst, 5, false, true), "SQXTN2 V%d.16B, V5.8H", dst)
		w.label(skip)
		w.line("ADD R10, R6, R6")
	}
	for _, s := range []string{
		"VST4.P [V16.B16, V17.B16, V18.B16, V19.B16], 64(R4)",
		"ADD $64, R3, R3",
		"SUBS $1, R5, R5",
		"BNE qpchunk",
	} {
		w.line("%s", s)
	}
	w.label("qpnext")
	for _, s := range []string{
		"ADD R10<<2, R0, R0",
		"ADD R11, R2, R2",
		"ADD $4, R12, R12",
		"SUBS $1, R9, R9",
		"BNE qpgroup",
	} {
		w.line("%s", s)
	}
	w.label("qpdone")
	w.line("RET")
}

// qTileNEON: 8 filters by 8 pixels in V0-V15 (filter f in V2f, V2f+1);
// per 4 taps one load of the 8 pixels' codes (V16, V17), one of the 8
// filters' (V18, V19) and 16 SDOT by element. Each sum gets add[f] (128
// times the filter's code sum), turns float, times sc[f] plus off[f],
// clamped at lo.
func qTileNEON(w *asm) {
	a := neon{w}
	w.comment("func qtile8NEON(k4 int, w *int8, x *uint8, ldx int, out *float32, ldo int, sc, off *float32, lo float32, add *int32)")
	w.text("qtile8NEON", 80)
	for _, s := range []string{
		"MOVD k4+0(FP), R0",
		"MOVD w+8(FP), R1",
		"MOVD x+16(FP), R2",
		"MOVD ldx+24(FP), R3",
	} {
		w.line("%s", s)
	}
	for i := 0; i < 16; i++ {
		a.zero(i)
	}
	w.label("qtloop")
	w.line("VLD1 (R2), [V16.B16, V17.B16]")
	w.line("ADD R3, R2, R2")
	w.line("VLD1.P 32(R1), [V18.B16, V19.B16]")
	for f := 0; f < 8; f++ {
		for h := 0; h < 2; h++ {
			word(w, sdotElem(2*f+h, 16+h, 18+f/4, f%4), "SDOT V%d.4S, V%d.16B, V%d.4B[%d]", 2*f+h, 16+h, 18+f/4, f%4)
		}
	}
	w.line("SUBS $1, R0, R0")
	w.line("BNE qtloop")
	for _, s := range []string{
		"MOVD out+32(FP), R4",
		"MOVD ldo+40(FP), R5",
		"LSL $2, R5, R5",
		"MOVD sc+48(FP), R6",
		"MOVD off+56(FP), R7",
		"MOVD $lo+64(FP), R8",
		"VLD1R (R8), [V31.S4]",
		"MOVD add+72(FP), R9",
	} {
		w.line("%s", s)
	}
	for f := 0; f < 8; f++ {
		w.line("VLD1R.P 4(R9), [V20.S4]")
		w.line("VLD1R.P 4(R6), [V21.S4]")
		w.line("VLD1R.P 4(R7), [V22.S4]")
		for h := 0; h < 2; h++ {
			r := 2*f + h
			w.line("VADD V20.S4, V%d.S4, V%d.S4", r, r)
			word(w, scvtfW(r, r), "SCVTF V%d.4S, V%d.4S", r, r)
			word(w, fmulW(r, r, 21), "FMUL V%d.4S, V%d.4S, V21.4S", r, r)
			a.add(r, r, 22)
			a.max(r, r, 31)
		}
		w.line("VST1 [V%d.S4, V%d.S4], (R4)", 2*f, 2*f+1)
		w.line("ADD R5, R4, R4")
	}
	w.line("RET")
}
