package gen

import "fmt"

// NEON tile: 8 rows of A times 3 vectors (12 columns) of B. The 24
// accumulators, 2 registers of A and 3 of B fill 29 of the 32 registers.
const (
	neonRows = 8
	neonVecs = 3
)

// fmlaElem encodes FMLA Vd.4S, Vn.4S, Vm.S[idx] (multiply-add by element),
// which the Go assembler does not spell; the encoding is checked against
// the Go assembler's own test data in gen_test.go.
func fmlaElem(d, n, m, idx int) uint32 {
	h, l := uint32(idx>>1)&1, uint32(idx)&1
	return 0x4f801000 | l<<21 | uint32(m>>4)<<20 | uint32(m&15)<<16 | h<<11 | uint32(n)<<5 | uint32(d)
}

// fmax encodes FMAX Vd.4S, Vn.4S, Vm.4S; the Go assembler's test data
// gives VFMAX V23.D2, V27.D2, V14.D2 as 6ef7774e (the 2D form sets sz).
// FMAX returns NaN when either input is NaN.
func fmax(d, n, m int) uint32 {
	return 0x4e20f400 | uint32(m)<<16 | uint32(n)<<5 | uint32(d)
}

func fmla(w *asm, d, n, m, idx int) {
	w.line("WORD $0x%08x // FMLA V%d.4S, V%d.4S, V%d.S[%d]", fmlaElem(d, n, m, idx), d, n, m, idx)
}

// vlist is a register list like [V0.S4, V1.S4, V2.S4].
func vlist(first, n int) string {
	s := "["
	for i := 0; i < n; i++ {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("V%d.S4", first+i)
	}
	return s + "]"
}

// ARM64 is the text of kernels_arm64.s.
func ARM64() string {
	w := &asm{}
	w.b.WriteString(header)
	w.b.WriteString("//go:build !purego\n\n#include \"textflag.h\"\n")
	for _, s := range []start{fromC, fromZero, fromBias} {
		neonTile(w, s)
	}
	neonDot4(w)
	neonAxpy4(w)
	neonAxpyCols(w)
	neonMax2x2(w)
	neonPeak(w)
	return w.String()
}

// neonTile writes tileNEON[Set|Bias], the same contracts as the amd64
// tiles.
func neonTile(w *asm, s start) {
	const aReg, bReg = neonRows * neonVecs, neonRows*neonVecs + 2
	name := "tileNEON" + suffixes[s]
	op := map[start]string{fromC: "C +=", fromZero: "C =", fromBias: "C = bias +"}[s]
	w.comment(fmt.Sprintf("%s\n// %s A panel (a[p*%d+i]) times B strip (b[p*ldb+j]), %d x %d.", tileSignature(name, s), op, neonRows, neonRows, neonVecs*4))
	args, reluOff := tileArgs(s)
	w.text(name, args)
	w.line("MOVD kc+0(FP), R2")
	w.line("MOVD a+8(FP), R0")
	w.line("MOVD b+16(FP), R1")
	w.line("MOVD ldb+24(FP), R3")
	w.line("LSL $2, R3, R3")
	w.line("MOVD c+32(FP), R4")
	w.line("MOVD ldc+40(FP), R5")
	w.line("LSL $2, R5, R5")
	switch s {
	case fromC:
		w.line("MOVD R4, R6")
		for i := 0; i < neonRows; i++ {
			w.line("VLD1 (R6), %s", vlist(i*neonVecs, neonVecs))
			w.line("ADD R5, R6, R6")
		}
	case fromZero:
		for i := 0; i < neonRows*neonVecs; i++ {
			w.line("VEOR V%d.B16, V%d.B16, V%d.B16", i, i, i)
		}
	case fromBias:
		w.line("MOVD bias+48(FP), R6")
		for i := 0; i < neonRows; i++ {
			for j := 0; j < neonVecs; j++ {
				w.line("VLD1R (R6), [V%d.S4]", i*neonVecs+j)
			}
			w.line("ADD $4, R6, R6")
		}
	}
	l := func(s string) string { return name + "_" + s }
	w.line("CBZ R2, %s", l("store"))
	w.label(l("loop"))
	w.line("VLD1.P 32(R0), %s", vlist(aReg, 2))
	w.line("VLD1.P (R1)(R3), %s", vlist(bReg, neonVecs))
	for i := 0; i < neonRows; i++ {
		for j := 0; j < neonVecs; j++ {
			fmla(w, i*neonVecs+j, bReg+j, aReg+i/4, i%4)
		}
	}
	w.line("SUBS $1, R2, R2")
	w.line("BNE %s", l("loop"))
	w.label(l("store"))
	w.line("MOVD relu+%d(FP), R7", reluOff)
	w.line("CBZ R7, %s", l("write"))
	w.line("VEOR V%d.B16, V%d.B16, V%d.B16", bReg, bReg, bReg)
	for i := 0; i < neonRows*neonVecs; i++ {
		w.line("WORD $0x%08x // FMAX V%d.4S, V%d.4S, V%d.4S", fmax(i, i, bReg), i, i, bReg)
	}
	w.label(l("write"))
	for i := 0; i < neonRows; i++ {
		w.line("VST1 %s, (R4)", vlist(i*neonVecs, neonVecs))
		w.line("ADD R5, R4, R4")
	}
	w.line("RET")
}

// neonDot4 writes dot4NEON(blocks int, a *float32, lda int, x *float32, acc *float32)
// over blocks of 8 values, storing 2 partial vectors a row.
func neonDot4(w *asm) {
	w.comment("func dot4NEON(blocks int, a *float32, lda int, x *float32, acc *float32)")
	w.text("dot4NEON", 40)
	w.line("MOVD blocks+0(FP), R2")
	w.line("MOVD a+8(FP), R0")
	w.line("MOVD lda+16(FP), R3")
	w.line("LSL $2, R3, R3")
	w.line("MOVD x+24(FP), R1")
	w.line("MOVD acc+32(FP), R4")
	w.line("ADD R3, R0, R5")
	w.line("ADD R3, R5, R6")
	w.line("ADD R3, R6, R7")
	for i := 0; i < 8; i++ {
		w.line("VEOR V%d.B16, V%d.B16, V%d.B16", i, i, i)
	}
	w.line("CBZ R2, dot4NEON_store")
	w.label("dot4NEON_loop")
	w.line("VLD1.P 32(R1), %s", vlist(16, 2))
	for r, p := range []string{"R0", "R5", "R6", "R7"} {
		w.line("VLD1.P 32(%s), %s", p, vlist(20+2*r, 2))
		w.line("VFMLA V16.S4, V%d.S4, V%d.S4", 20+2*r, 2*r)
		w.line("VFMLA V17.S4, V%d.S4, V%d.S4", 21+2*r, 2*r+1)
	}
	w.line("SUBS $1, R2, R2")
	w.line("BNE dot4NEON_loop")
	w.label("dot4NEON_store")
	w.line("VST1.P %s, 64(R4)", vlist(0, 4))
	w.line("VST1 %s, (R4)", vlist(4, 4))
	w.line("RET")
}

// neonAxpy4 writes axpy4NEON(blocks int, a *float32, lda int, s *float32, y *float32)
// over blocks of 8 values.
func neonAxpy4(w *asm) {
	w.comment("func axpy4NEON(blocks int, a *float32, lda int, s *float32, y *float32)")
	w.text("axpy4NEON", 40)
	w.line("MOVD blocks+0(FP), R2")
	w.line("MOVD a+8(FP), R0")
	w.line("MOVD lda+16(FP), R3")
	w.line("LSL $2, R3, R3")
	w.line("MOVD s+24(FP), R1")
	w.line("MOVD y+32(FP), R4")
	w.line("ADD R3, R0, R5")
	w.line("ADD R3, R5, R6")
	w.line("ADD R3, R6, R7")
	w.line("VLD1 (R1), [V28.S4]")
	w.line("CBZ R2, axpy4NEON_done")
	w.label("axpy4NEON_loop")
	w.line("VLD1 (R4), %s", vlist(0, 2))
	for r, p := range []string{"R0", "R5", "R6", "R7"} {
		w.line("VLD1.P 32(%s), %s", p, vlist(8+2*r, 2))
	}
	for r := 0; r < 4; r++ {
		fmla(w, 0, 8+2*r, 28, r)
		fmla(w, 1, 9+2*r, 28, r)
	}
	w.line("VST1.P %s, 32(R4)", vlist(0, 2))
	w.line("SUBS $1, R2, R2")
	w.line("BNE axpy4NEON_loop")
	w.label("axpy4NEON_done")
	w.line("RET")
}

// neonPeak writes peakNEON(n int): 24 independent FMLA chains a round,
// 192 flops.
func neonPeak(w *asm) {
	w.comment("func peakNEON(n int)\n// 24 independent FMA chains per round: 192 flops a round.")
	w.text("peakNEON", 8)
	w.line("MOVD n+0(FP), R2")
	for i := 0; i < 26; i++ {
		w.line("VEOR V%d.B16, V%d.B16, V%d.B16", i, i, i)
	}
	w.line("CBZ R2, peakNEON_done")
	w.label("peakNEON_loop")
	for i := 0; i < 24; i++ {
		w.line("VFMLA V24.S4, V25.S4, V%d.S4", i)
	}
	w.line("SUBS $1, R2, R2")
	w.line("BNE peakNEON_loop")
	w.label("peakNEON_done")
	w.line("RET")
}

// neonMax2x2 writes max2x2NEON(chans, rows, cols int, src *float32, pitch,
// plane int, dst *float32), the contract of the x86 pooling kernels for
// cols >= 4: a two-way de-interleaving load splits each row's 8 values
// into even and odd columns, and FMAX (NaN when either input is) takes
// the maxima, 4 outputs a block. A row whose width is not a multiple of
// 4 ends with a block that overlaps the one before.
func neonMax2x2(w *asm) {
	w.comment("func max2x2NEON(chans, rows, cols int, src *float32, pitch, plane int, dst *float32)")
	w.text("max2x2NEON", 56)
	for _, s := range []string{
		"MOVD chans+0(FP), R0",
		"MOVD rows+8(FP), R1",
		"MOVD cols+16(FP), R2",
		"MOVD src+24(FP), R3",
		"MOVD pitch+32(FP), R4",
		"LSL $2, R4, R4",
		"MOVD plane+40(FP), R5",
		"LSL $2, R5, R5",
		"MOVD dst+48(FP), R6",
		"CBZ R0, pooldone",
		"CBZ R1, pooldone",
		"SUB $4, R2, R15", // x of a row's last block
		"LSL $3, R15, R16",
		"LSL $2, R15, R17",
	} {
		w.line("%s", s)
	}
	block := func() {
		w.line("WORD $0x%08x // FMAX V4.4S, V0.4S, V1.4S", fmax(4, 0, 1))
		w.line("WORD $0x%08x // FMAX V5.4S, V2.4S, V3.4S", fmax(5, 2, 3))
		w.line("WORD $0x%08x // FMAX V6.4S, V4.4S, V5.4S", fmax(6, 4, 5))
	}
	w.label("poolchan")
	w.line("MOVD R3, R7")
	w.line("MOVD R1, R8")
	w.label("poolrow")
	w.line("MOVD R7, R9")
	w.line("ADD R4, R7, R10")
	w.line("MOVD R6, R11")
	w.line("LSR $2, R2, R12")
	w.label("poolblock")
	w.line("VLD2.P 32(R9), [V0.S4, V1.S4]")
	w.line("VLD2.P 32(R10), [V2.S4, V3.S4]")
	block()
	w.line("VST1.P [V6.S4], 16(R11)")
	w.line("SUBS $1, R12, R12")
	w.line("BNE poolblock")
	w.line("TST $3, R2")
	w.line("BEQ poolnext")
	w.line("ADD R16, R7, R9")
	w.line("ADD R4, R9, R10")
	w.line("ADD R17, R6, R11")
	w.line("VLD2 (R9), [V0.S4, V1.S4]")
	w.line("VLD2 (R10), [V2.S4, V3.S4]")
	block()
	w.line("VST1 [V6.S4], (R11)")
	w.label("poolnext")
	w.line("ADD R2<<2, R6, R6")
	w.line("ADD R4<<1, R7, R7")
	w.line("SUBS $1, R8, R8")
	w.line("BNE poolrow")
	w.line("ADD R5, R3, R3")
	w.line("SUBS $1, R0, R0")
	w.line("BNE poolchan")
	w.label("pooldone")
	w.line("RET")
}

// neonAxpyCols writes axpyColsNEON(wide, narrow, k int, a *float32, lda
// int, s *float32, y *float32), the contract of the x86 axpyCols: wide
// strips of 16 registers (64 columns), then narrow strips of one.
func neonAxpyCols(w *asm) {
	w.comment("func axpyColsNEON(wide, narrow, k int, a *float32, lda int, s *float32, y *float32)")
	w.text("axpyColsNEON", 56)
	for _, s := range []string{
		"MOVD k+16(FP), R11",
		"MOVD a+24(FP), R0",
		"MOVD lda+32(FP), R3",
		"LSL $2, R3, R3",
		"MOVD s+40(FP), R1",
		"MOVD y+48(FP), R4",
		"CBZ R11, axpyColsNEON_done",
	} {
		w.line("%s", s)
	}
	for _, strip := range []struct {
		label, count string
		regs         int
	}{{"wide", "wide+0(FP)", 16}, {"narrow", "narrow+8(FP)", 1}} {
		l := func(s string) string { return "axpyColsNEON_" + strip.label + s }
		w.line("MOVD %s, R2", strip.count)
		w.line("CBZ R2, %s", l("done"))
		w.label(l(""))
		w.line("MOVD R4, R5")
		for j := 0; j < strip.regs; j += 4 {
			w.line("VLD1.P %d(R5), %s", 16*min(4, strip.regs-j), vlist(j, min(4, strip.regs-j)))
		}
		w.line("MOVD R0, R6")
		w.line("MOVD R1, R7")
		w.line("MOVD R11, R8")
		w.label(l("row"))
		w.line("VLD1R.P 4(R7), [V31.S4]")
		w.line("MOVD R6, R9")
		for j := 0; j < strip.regs; j += 4 {
			n := min(4, strip.regs-j)
			w.line("VLD1.P %d(R9), %s", 16*n, vlist(16, n))
			for i := 0; i < n; i++ {
				w.line("VFMLA V31.S4, V%d.S4, V%d.S4", 16+i, j+i)
			}
		}
		w.line("ADD R3, R6, R6")
		w.line("SUBS $1, R8, R8")
		w.line("BNE %s", l("row"))
		w.line("MOVD R4, R5")
		for j := 0; j < strip.regs; j += 4 {
			w.line("VST1.P %s, %d(R5)", vlist(j, min(4, strip.regs-j)), 16*min(4, strip.regs-j))
		}
		w.line("ADD $%d, R0, R0", 16*strip.regs)
		w.line("ADD $%d, R4, R4", 16*strip.regs)
		w.line("SUBS $1, R2, R2")
		w.line("BNE %s", l(""))
		w.label(l("done"))
	}
	w.label("axpyColsNEON_done")
	w.line("RET")
}
