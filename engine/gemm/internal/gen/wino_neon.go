package gen

import "fmt"

// Wino4ARM64 writes wino4_arm64.s: the three Winograd F(4x4,3x3) kernels
// of engine/gemm/wino4.go for NEON, with the contracts of the AVX-512
// ones. Four-lane registers hold four tiles (input transform), four
// filters (output transform) or both (products). V30 holds the constants
// 2, 4, 5, 8 that the transforms multiply by, through multiply-add by
// element.
func Wino4ARM64() string {
	w := &asm{}
	w.b.WriteString(header)
	w.b.WriteString("//go:build !purego\n\n#include \"textflag.h\"\n")
	w.comment("winoNC: 2, 4, 5, 8, the transforms' factors.")
	for i, bits := range []string{"0x40000000", "0x40800000", "0x40a00000", "0x41000000"} {
		fmt.Fprintf(&w.b, "DATA winoNC<>+%d(SB)/4, $%s\n", 4*i, bits)
	}
	w.b.WriteString("GLOBL winoNC<>(SB), RODATA|NOPTR, $16\n")
	neonWinoIn(w)
	neonWinoMul(w)
	neonWinoOut(w)
	return w.String()
}

// Lanes of V30.
const (
	nc2 = 0
	nc4 = 1
	nc5 = 2
	nc8 = 3
)

// The float forms the Go assembler does not spell, as words (checked
// against the GNU assembler in gen_test.go, and by the tests under qemu).
func faddW(d, n, m int) uint32 { return 0x4e20d400 | uint32(m)<<16 | uint32(n)<<5 | uint32(d) }
func fsubW(d, n, m int) uint32 { return 0x4ea0d400 | uint32(m)<<16 | uint32(n)<<5 | uint32(d) }
func fmlsElem(d, n, m, idx int) uint32 {
	return fmlaElem(d, n, m, idx) | 0x4000
}

// neon writes the NEON arithmetic of the Winograd kernels.
type neon struct{ w *asm }

func (a neon) add(d, n, m int) {
	a.w.line("WORD $0x%08x // FADD V%d.4S, V%d.4S, V%d.4S", faddW(d, n, m), d, n, m)
}

func (a neon) sub(d, n, m int) {
	a.w.line("WORD $0x%08x // FSUB V%d.4S, V%d.4S, V%d.4S", fsubW(d, n, m), d, n, m)
}

func (a neon) max(d, n, m int) {
	a.w.line("WORD $0x%08x // FMAX V%d.4S, V%d.4S, V%d.4S", fmax(d, n, m), d, n, m)
}

// mla is d += n * V30[c]; mls is d -= n * V30[c].
func (a neon) mla(d, n, c int) { fmla(a.w, d, n, 30, c) }

func (a neon) mls(d, n, c int) {
	a.w.line("WORD $0x%08x // FMLS V%d.4S, V%d.4S, V30.S[%d]", fmlsElem(d, n, 30, c), d, n, c)
}

func (a neon) mov(d, n int) { a.w.line("VMOV V%d.B16, V%d.B16", n, d) }

func (a neon) zero(r int) { a.w.line("VEOR V%d.B16, V%d.B16, V%d.B16", r, r, r) }

// bt writes t = B^T d for six registers with four temporaries, in the
// order of wino4.go's bt6.
func (a neon) bt(d, t, tmp [6]int) {
	a.mov(t[0], d[4])
	a.mla(t[0], d[0], nc4)
	a.mls(t[0], d[2], nc5)
	a.add(tmp[0], d[1], d[2])
	a.add(t[1], d[3], d[4])
	a.mls(t[1], tmp[0], nc4)
	a.sub(tmp[1], d[1], d[2])
	a.sub(t[2], d[4], d[3])
	a.mla(t[2], tmp[1], nc4)
	a.sub(tmp[2], d[4], d[2])
	a.sub(tmp[3], d[3], d[1])
	a.mov(t[3], tmp[2])
	a.mla(t[3], tmp[3], nc2)
	a.mov(t[4], tmp[2])
	a.mls(t[4], tmp[3], nc2)
	a.mov(t[5], d[5])
	a.mla(t[5], d[1], nc4)
	a.mls(t[5], d[3], nc5)
}

func seq(from int) [6]int { return [6]int{from, from + 1, from + 2, from + 3, from + 4, from + 5} }

// Wino4NEONScratch is the scratch the NEON input transform keeps after V:
// six rows of 48 values (Wino4's TW <= 8 on arm64: two groups of four
// tiles and the group after them).
const Wino4NEONScratch = 6 * neonRow

const neonRow = 48

// neonWinoIn: per channel and row of tiles, the six input rows are copied
// into the zeroed scratch after V (rows past the plane stay zero, values
// past its width too), B^T runs down the columns in place, and per
// transformed row LD4 deals out the taps of four tiles at a time (taps 4
// and 5 are taps 0 and 1 of the next four, one lane on), B^T along the
// row gives the six points, stored four tiles at a time. Lanes past the
// row's last tile land in the next row's tiles, written again after, or
// in V's padding (ldt >= tiles + 3). V31 sums what the column transform
// wrote: it ends non-finite when a value read was.
func neonWinoIn(w *asm) {
	a := neon{w}
	w.comment("func winoIn4(v *float32, ldt int, src *float32, chans, plane, pitch, height, th, tw int) int")
	w.text("winoIn4", 80)
	for _, s := range []string{
		"MOVD v+0(FP), R0",
		"MOVD ldt+8(FP), R1",
		"LSL $2, R1, R1", // bytes between channels of one point
		"MOVD src+16(FP), R2",
		"MOVD chans+24(FP), R3",
		"MOVD plane+32(FP), R4",
		"LSL $2, R4, R4",
		"MOVD pitch+40(FP), R5",
		"LSL $2, R5, R25", // bytes between rows
		"MOVD tw+64(FP), R8",
		"ADD $3, R8, R11",
		"LSR $2, R11, R11", // groups of four tiles in a row
		"LSL $2, R8, R8",   // bytes between tile rows of V
		"MUL R3, R1, R9",   // bytes between points
		"MOVD $36, R10",
		"MUL R9, R10, R10",
		"ADD R0, R10, R10", // scratch
		"MOVD $winoNC<>(SB), R16",
		"VLD1 (R16), [V30.S4]",
		"VEOR V31.B16, V31.B16, V31.B16",
	} {
		w.line("%s", s)
	}
	for i := 0; i < 4; i++ {
		a.zero(i)
	}
	w.line("MOVD R10, R16")
	for i := 0; i < 6*neonRow*4/64; i++ {
		w.line("VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R16)")
	}
	w.label("inchan")
	w.line("MOVD R0, R14")
	w.line("MOVD R2, R15")
	w.line("MOVD height+48(FP), R12") // rows left from this tile row
	w.line("MOVD th+56(FP), R13")
	w.label("inrow")
	w.line("MOVD R15, R17")
	for i := 0; i < 6; i++ {
		l := func(s string) string { return fmt.Sprintf("in%s%d", s, i) }
		w.line("ADD $%d, R10, R16", i*neonRow*4)
		w.line("CMP $%d, R12", i)
		w.line("BLE %s", l("zero"))
		w.line("MOVD R17, R19")
		w.line("LSR $2, R5, R21")
		w.line("CBZ R21, %s", l("tail"))
		w.label(l("four"))
		w.line("VLD1.P 16(R19), [V0.S4]")
		w.line("VST1.P [V0.S4], 16(R16)")
		w.line("SUBS $1, R21, R21")
		w.line("BNE %s", l("four"))
		w.label(l("tail"))
		w.line("ANDS $3, R5, R22")
		w.line("BEQ %s", l("next"))
		w.label(l("one"))
		w.line("FMOVS.P 4(R19), F0")
		w.line("FMOVS.P F0, 4(R16)")
		w.line("SUBS $1, R22, R22")
		w.line("BNE %s", l("one"))
		w.line("B %s", l("next"))
		w.label(l("zero"))
		for r := 0; r < 4; r++ {
			a.zero(r)
		}
		for r := 0; r < neonRow*4/64; r++ {
			w.line("VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R16)")
		}
		w.label(l("next"))
		w.line("ADD R25, R17, R17")
	}
	// Columns: four at a time over the row's width, in place.
	w.line("MOVD $%d, R23", neonRow*4)
	w.line("ADD $3, R5, R21")
	w.line("LSR $2, R21, R21")
	w.line("MOVD R10, R16")
	w.label("incol")
	w.line("MOVD R16, R19")
	for i := 0; i < 6; i++ {
		w.line("VLD1.P (R19)(R23), [V%d.S4]", i)
	}
	a.bt(seq(0), seq(6), seq(12))
	w.line("MOVD R16, R19")
	for i := 0; i < 6; i++ {
		a.add(31, 31, 6+i)
		w.line("VST1.P [V%d.S4], (R19)(R23)", 6+i)
	}
	w.line("ADD $16, R16, R16")
	w.line("SUBS $1, R21, R21")
	w.line("BNE incol")
	// Rows: four tiles at a time.
	w.line("MOVD $6, R23")
	w.line("MUL R9, R23, R23") // bytes between point 6i and 6(i+1)
	w.line("MOVD R14, R24")
	for i := 0; i < 6; i++ {
		l := fmt.Sprintf("intiles%d", i)
		w.line("ADD $%d, R10, R19", i*neonRow*4)
		w.line("MOVD R24, R20")
		w.line("MOVD R11, R21")
		w.line("VLD4 (R19), [V0.S4, V1.S4, V2.S4, V3.S4]")
		w.label(l)
		w.line("ADD $64, R19, R19")
		w.line("VLD4 (R19), [V4.S4, V5.S4, V6.S4, V7.S4]")
		w.line("VEXT $4, V4.B16, V0.B16, V8.B16")
		w.line("VEXT $4, V5.B16, V1.B16, V9.B16")
		a.bt([6]int{0, 1, 2, 3, 8, 9}, seq(10), seq(16))
		w.line("MOVD R20, R22")
		for j := 0; j < 6; j++ {
			w.line("VST1.P [V%d.S4], (R22)(R9)", 10+j)
		}
		w.line("ADD $16, R20, R20")
		for r := 0; r < 4; r++ {
			a.mov(r, 4+r)
		}
		w.line("SUBS $1, R21, R21")
		w.line("BNE %s", l)
		w.line("ADD R23, R24, R24")
	}
	for _, s := range []string{
		"ADD R8, R14, R14",
		"ADD R25<<2, R15, R15",
		"SUB $4, R12, R12",
		"SUBS $1, R13, R13",
		"BNE inrow",
		"ADD R1, R0, R0",
		"ADD R4, R2, R2",
		"SUBS $1, R3, R3",
		"BNE inchan",
		// Non-finite when some lane's exponent is all ones.
		"MOVD ZR, R19",
	} {
		w.line("%s", s)
	}
	for l := 0; l < 4; l++ {
		w.line("VMOV V31.S[%d], R16", l)
		w.line("AND $0x7f800000, R16, R16")
		w.line("MOVD $0x7f800000, R17")
		w.line("CMP R17, R16")
		w.line("CSET EQ, R17")
		w.line("ORR R17, R19, R19")
	}
	w.line("MOVD R19, ret+72(FP)")
	w.line("RET")
}

// neonWinoMul: per point, blocks of 8 tiles by 8 filters (V0-V15, tile t
// in V2t and V2t+1) over the channels: per channel one load of the 8
// tiles' values (V16, V17), one of the 8 filters' (V18, V19), and 16
// multiply-adds by element. A last block of 4 tiles when ldt % 8 == 4.
func neonWinoMul(w *asm) {
	w.comment("func winoMul4(m, v, u *float32, chans, ldt, k, points int)")
	w.text("winoMul4", 56)
	for _, s := range []string{
		"MOVD m+0(FP), R0",
		"MOVD v+8(FP), R1",
		"MOVD u+16(FP), R2",
		"MOVD chans+24(FP), R3",
		"MOVD ldt+32(FP), R4",
		"LSL $2, R4, R4",
		"MOVD k+40(FP), R5",
		"LSL $2, R5, R5",
		"MOVD points+48(FP), R6",
		"MUL R3, R4, R7", // V's point stride
		"MUL R3, R5, R8", // U's
		"LSR $2, R4, R9",
		"MUL R5, R9, R9", // M's
	} {
		w.line("%s", s)
	}
	w.label("mulpt")
	w.line("LSR $5, R5, R10")
	w.line("MOVD R2, R12")
	w.line("MOVD R0, R13")
	w.label("mulk")
	w.line("MOVD R1, R14")
	w.line("MOVD R13, R15")
	w.line("LSR $5, R4, R16")
	w.line("AND $16, R4, R17")
	w.line("CBZ R16, multail")
	w.label("mul8")
	mulNEONBlock(w, 8, "mul8c")
	w.line("ADD $32, R14, R14")
	w.line("ADD R5<<3, R15, R15")
	w.line("SUBS $1, R16, R16")
	w.line("BNE mul8")
	w.label("multail")
	w.line("CBZ R17, mulnext")
	mulNEONBlock(w, 4, "mul4c")
	w.label("mulnext")
	for _, s := range []string{
		"ADD $32, R12, R12",
		"ADD $32, R13, R13",
		"SUBS $1, R10, R10",
		"BNE mulk",
		"ADD R7, R1, R1",
		"ADD R8, R2, R2",
		"ADD R9, R0, R0",
		"SUBS $1, R6, R6",
		"BNE mulpt",
		"RET",
	} {
		w.line("%s", s)
	}
}

// mulNEONBlock is one block of n (8 or 4) tiles by 8 filters: tiles from
// R14, filters from R12, products to R15 (rows R5 bytes apart).
func mulNEONBlock(w *asm, n int, loop string) {
	a := neon{w}
	for r := 0; r < 2*n; r++ {
		a.zero(r)
	}
	w.line("MOVD R14, R19")
	w.line("MOVD R12, R20")
	w.line("MOVD R3, R21")
	w.label(loop)
	w.line("VLD1.P (R19)(R4), %s", vlist(16, n/4))
	w.line("VLD1.P (R20)(R5), [V18.S4, V19.S4]")
	for t := 0; t < n; t++ {
		for kv := 0; kv < 2; kv++ {
			fmla(w, 2*t+kv, 18+kv, 16+t/4, t%4)
		}
	}
	w.line("SUBS $1, R21, R21")
	w.line("BNE %s", loop)
	w.line("MOVD R15, R22")
	for t := 0; t < n; t++ {
		w.line("VST1.P [V%d.S4, V%d.S4], (R22)(R5)", 2*t, 2*t+1)
	}
}

// wino4AT is A^T of F(4x4,3x3): output r of six points.
var wino4AT = [4][6]int{
	{1, 1, 1, 1, 1, 0},
	{0, 1, -1, 2, -2, 0},
	{0, 1, 1, 4, 4, 0},
	{0, 1, -1, 8, -8, 1},
}

// neonWinoOut: per tile and group of four filters, each row i of the six
// by six products (V16-V21) goes through A^T along the row into u (V16-V19)
// and is added into the 4x4 outputs (V0-V15, output (r, c) in V4r+c) with
// A^T's factor of row i; then the 2x2 maxima, bias and the clamp at lo,
// stored lane by lane into the filters' planes, the pooled row and column
// past the plane skipped.
func neonWinoOut(w *asm) {
	a := neon{w}
	w.comment("func winoOut4(dst, m, bias *float32, ldt, k, th, tw, ph, pw int, lo float32)")
	w.text("winoOut4", 76)
	for _, s := range []string{
		"MOVD dst+0(FP), R0",
		"MOVD m+8(FP), R1",
		"MOVD bias+16(FP), R2",
		"MOVD ldt+24(FP), R9",
		"MOVD k+32(FP), R4",
		"MUL R4, R9, R9",
		"LSL $2, R9, R9", // bytes between points
		"MOVD ph+56(FP), R5",
		"MOVD pw+64(FP), R8",
		"MUL R8, R5, R10",
		"LSL $2, R10, R10", // bytes between filter planes
		"LSL $2, R8, R11",  // bytes between pooled rows
		"MOVD $lo+72(FP), R12",
		"VLD1R (R12), [V29.S4]",
		"MOVD $winoNC<>(SB), R12",
		"VLD1 (R12), [V30.S4]",
		"MOVD R1, R15", // this tile's products
		"MOVD R0, R17", // this tile row's first pooled value
	} {
		w.line("%s", s)
	}
	w.label("outrow")
	w.line("CMP $2, R5")
	w.line("CSET GE, R19") // a second pooled row
	w.line("MOVD R8, R6")
	w.line("MOVD R17, R16")
	w.label("outtile")
	w.line("CMP $2, R6")
	w.line("CSET GE, R3") // a second pooled column
	w.line("LSR $2, R4, R20")
	w.line("MOVD R15, R21")
	w.line("MOVD R16, R22")
	w.line("MOVD R2, R23")
	w.label("outk")
	for r := 0; r < 16; r++ {
		a.zero(r)
	}
	w.line("MOVD R21, R24")
	for i := 0; i < 6; i++ {
		for j := 0; j < 6; j++ {
			w.line("VLD1.P (R24)(R9), [V%d.S4]", 16+j)
		}
		// a, b, c, d = m1+m2, m1-m2, m3+m4, m3-m4 in V22-V25.
		a.add(22, 17, 18)
		a.sub(23, 17, 18)
		a.add(24, 19, 20)
		a.sub(25, 19, 20)
		a.add(16, 16, 22) // u0 = (m0 + a) + c
		a.add(16, 16, 24)
		a.mov(17, 23) // u1 = b + 2d
		a.mla(17, 25, nc2)
		a.mov(18, 22) // u2 = a + 4c
		a.mla(18, 24, nc4)
		a.add(19, 23, 21) // u3 = (b + m5) + 8d
		a.mla(19, 25, nc8)
		for r := 0; r < 4; r++ {
			for c := 0; c < 4; c++ {
				o, u := 4*r+c, 16+c
				switch f := wino4AT[r][i]; f {
				case 0:
				case 1:
					a.add(o, o, u)
				case -1:
					a.sub(o, o, u)
				default:
					lane := map[int]int{2: nc2, 4: nc4, 8: nc8}[max(f, -f)]
					if f > 0 {
						a.mla(o, u, lane)
					} else {
						a.mls(o, u, lane)
					}
				}
			}
		}
	}
	// The four quarters' maxima in V16-V19: (0,0), (0,1), (1,0), (1,1).
	w.line("VLD1.P 16(R23), [V20.S4]")
	for q := 0; q < 4; q++ {
		r, c := 2*(q/2), 2*(q%2)
		a.max(16+q, 4*r+c, 4*r+c+1)
		a.max(24, 4*(r+1)+c, 4*(r+1)+c+1)
		a.max(16+q, 16+q, 24)
		a.add(16+q, 16+q, 20)
		a.max(16+q, 16+q, 29)
	}
	w.line("MOVD R22, R24")
	for l := 0; l < 4; l++ {
		lb := func(s string) string { return fmt.Sprintf("out%s%d", s, l) }
		w.line("VST1 V16.S[%d], (R24)", l)
		w.line("CBZ R3, %s", lb("col"))
		w.line("ADD $4, R24, R25")
		w.line("VST1 V17.S[%d], (R25)", l)
		w.label(lb("col"))
		w.line("CBZ R19, %s", lb("next"))
		w.line("ADD R11, R24, R25")
		w.line("VST1 V18.S[%d], (R25)", l)
		w.line("CBZ R3, %s", lb("next"))
		w.line("ADD $4, R25, R25")
		w.line("VST1 V19.S[%d], (R25)", l)
		w.label(lb("next"))
		w.line("ADD R10, R24, R24")
	}
	for _, s := range []string{
		"ADD $16, R21, R21",
		"ADD R10<<2, R22, R22",
		"SUBS $1, R20, R20",
		"BNE outk",
		"ADD R4<<2, R15, R15",
		"ADD $8, R16, R16",
		"SUBS $2, R6, R6",
		"BGT outtile",
		"ADD R11<<1, R17, R17",
		"SUBS $2, R5, R5",
		"BGT outrow",
		"RET",
	} {
		w.line("%s", s)
	}
}
