package gen

import "fmt"

// The AVX2+FMA Winograd F(4x4,3x3) kernels, the contracts of the AVX-512
// ones on 8-lane registers (16 of them): the input transform deals each
// row's values into four phases (values 4l+j for the tiles l of phase j),
// the products run in blocks of 6 (or a last 3) tiles by 16 filters, and
// the output transform works on 8 filters through a stack buffer of the
// row transforms, storing lane by lane (AVX2 has no scatter).

func ymm(i int) string { return fmt.Sprintf("Y%d", i) }

// wino2Data writes the AVX2 kernels' constants: 2, 4, 5, 8 in 8 lanes
// each, and the lane numbers l.
func wino2Data(w *asm) {
	w.comment("winoA2: 2, 4, 5, 8 in eight lanes each; then l for l = 0..7.")
	for i, bits := range []string{"0x40000000", "0x40800000", "0x40a00000", "0x41000000"} {
		for l := 0; l < 8; l++ {
			fmt.Fprintf(&w.b, "DATA winoA2<>+%d(SB)/4, $%s\n", 32*i+4*l, bits)
		}
	}
	for l := 0; l < 8; l++ {
		fmt.Fprintf(&w.b, "DATA winoA2<>+%d(SB)/4, $%d\n", a2Lane+4*l, l)
	}
	w.b.WriteString("GLOBL winoA2<>(SB), RODATA|NOPTR, $160\n")
}

// Offsets in winoA2<>.
const (
	a2Two, a2Four, a2Five, a2Eight, a2Lane = 0, 32, 64, 96, 128
)

func a2(off int) string { return fmt.Sprintf("winoA2<>+%d(SB)", off) }

// bt2 writes t = B^T d for six registers with two temporaries, in the
// order of wino4.go's bt6.
func bt2(w *asm, d, t [6]string, tmp [2]string) {
	w.line("VMOVAPS %s, %s", d[4], t[0])
	w.line("VFMADD231PS %s, %s, %s", a2(a2Four), d[0], t[0])
	w.line("VFNMADD231PS %s, %s, %s", a2(a2Five), d[2], t[0])
	w.line("VADDPS %s, %s, %s", d[2], d[1], tmp[0])
	w.line("VADDPS %s, %s, %s", d[4], d[3], t[1])
	w.line("VFNMADD231PS %s, %s, %s", a2(a2Four), tmp[0], t[1])
	w.line("VSUBPS %s, %s, %s", d[2], d[1], tmp[0])
	w.line("VSUBPS %s, %s, %s", d[3], d[4], t[2])
	w.line("VFMADD231PS %s, %s, %s", a2(a2Four), tmp[0], t[2])
	w.line("VSUBPS %s, %s, %s", d[2], d[4], tmp[0])
	w.line("VSUBPS %s, %s, %s", d[1], d[3], tmp[1])
	w.line("VMOVAPS %s, %s", tmp[0], t[3])
	w.line("VFMADD231PS %s, %s, %s", a2(a2Two), tmp[1], t[3])
	w.line("VMOVAPS %s, %s", tmp[0], t[4])
	w.line("VFNMADD231PS %s, %s, %s", a2(a2Two), tmp[1], t[4])
	w.line("VMOVAPS %s, %s", d[5], t[5])
	w.line("VFMADD231PS %s, %s, %s", a2(a2Four), d[1], t[5])
	w.line("VFNMADD231PS %s, %s, %s", a2(a2Five), d[3], t[5])
}

func ys(from int) [6]string {
	var r [6]string
	for i := range r {
		r[i] = ymm(from + i)
	}
	return r
}

// Wino4AVX2Scratch is the scratch the AVX2 input kernel keeps after V:
// six rows of four phases of 16 values (the last 8 stay zero: taps 4 and
// 5 read one value past a phase), then the four load masks and the tile
// mask.
const Wino4AVX2Scratch = 6*4*16 + 5*8

// winoIn2: per channel and row of tiles, each of the six input rows is
// loaded as four 8-value chunks (masked: values past the width read as 0;
// rows past the plane are 0) and dealt into four phases, phase j holding
// values 4l+j of the tiles l (two 128-bit permutes and two rounds of
// unpacks, a 4x4 transpose in each lane); B^T runs down the columns of
// each phase, and per transformed row the taps 0-3 are the phases and taps
// 4 and 5 phases 0 and 1 one value on; B^T along the row gives the six
// points, stored 8 tiles at a time. Y15 sums what was read.
func winoIn2(w *asm) {
	w.comment("func winoIn4AVX2(v *float32, ldt int, src *float32, chans, plane, pitch, height, th, tw int) int")
	fmt.Fprintf(&w.b, "TEXT ·winoIn4AVX2(SB), NOSPLIT, $16-80\n")
	const masks = 6 * 4 * 16 * 4 // byte offset of the masks in the scratch
	for _, s := range []string{
		"MOVQ v+0(FP), DI",
		"MOVQ ldt+8(FP), R8",
		"SHLQ $2, R8", // bytes between channels of a point
		"MOVQ chans+24(FP), CX",
		"MOVQ CX, R9",
		"IMULQ R8, R9", // bytes between points
		"MOVQ src+16(FP), SI",
		"MOVQ plane+32(FP), R10",
		"SHLQ $2, R10",
		"MOVQ pitch+40(FP), R11",
		"SHLQ $2, R11", // bytes between rows
		"MOVQ tw+64(FP), R14",
		"SHLQ $2, R14", // bytes between tile rows of V
		"MOVQ R9, R15",
		"IMULQ $36, R15",
		"ADDQ DI, R15", // scratch
		"VPXOR Y0, Y0, Y0",
		"VMOVAPS Y0, Y15",
	} {
		w.line("%s", s)
	}
	for i := 0; i < masks/32; i++ {
		w.line("VMOVUPS Y0, %d(R15)", 32*i)
	}
	// Load masks: lane l of chunk q reads when 8q + l < pitch; the tile
	// mask: lane l stores when l < tw.
	w.line("VMOVDQU %s, Y1", a2(a2Lane))
	for q := 0; q < 5; q++ {
		if q < 4 {
			w.line("MOVQ pitch+40(FP), AX")
			w.line("SUBQ $%d, AX", 8*q)
		} else {
			w.line("MOVQ tw+64(FP), AX")
		}
		w.line("MOVQ AX, X2")
		w.line("VPBROADCASTD X2, Y2")
		w.line("VPCMPGTD Y1, Y2, Y2")
		w.line("VMOVDQU Y2, %d(R15)", masks+32*q)
	}
	w.label("inchan")
	w.line("MOVQ DI, AX")
	w.line("MOVQ SI, BX")
	w.line("MOVQ height+48(FP), R12") // rows left from this tile row
	w.line("MOVQ th+56(FP), DX")
	w.line("MOVQ DX, rows-8(SP)")
	// room: tiles from the end of this row's 8-lane store to the end of
	// the point's channels.
	w.line("MOVQ CX, DX")
	w.line("IMULQ ldt+8(FP), DX")
	w.line("SUBQ $8, DX")
	w.line("MOVQ DX, room-16(SP)")
	w.label("inrow")
	w.line("MOVQ BX, R13")
	for i := 0; i < 6; i++ {
		l := func(s string) string { return fmt.Sprintf("in%s%d", s, i) }
		w.line("CMPQ R12, $%d", i)
		w.line("JLE %s", l("zero"))
		for q := 0; q < 4; q++ {
			w.line("VMOVDQU %d(R15), Y4", masks+32*q)
			w.line("VMASKMOVPS %d(R13), Y4, %s", 32*q, ymm(q))
			w.line("VADDPS %s, Y15, Y15", ymm(q))
		}
		w.line("VPERM2F128 $0x20, Y2, Y0, Y4")
		w.line("VPERM2F128 $0x31, Y2, Y0, Y5")
		w.line("VPERM2F128 $0x20, Y3, Y1, Y6")
		w.line("VPERM2F128 $0x31, Y3, Y1, Y7")
		w.line("VUNPCKLPS Y5, Y4, Y0")
		w.line("VUNPCKHPS Y5, Y4, Y1")
		w.line("VUNPCKLPS Y7, Y6, Y2")
		w.line("VUNPCKHPS Y7, Y6, Y3")
		w.line("VUNPCKLPD Y2, Y0, Y4")
		w.line("VUNPCKHPD Y2, Y0, Y5")
		w.line("VUNPCKLPD Y3, Y1, Y6")
		w.line("VUNPCKHPD Y3, Y1, Y7")
		for j := 0; j < 4; j++ {
			w.line("VMOVUPS %s, %d(R15)", ymm(4+j), (i*4+j)*64)
		}
		w.line("JMP %s", l("next"))
		w.label(l("zero"))
		w.line("VPXOR Y4, Y4, Y4")
		for j := 0; j < 4; j++ {
			w.line("VMOVUPS Y4, %d(R15)", (i*4+j)*64)
		}
		w.label(l("next"))
		w.line("ADDQ R11, R13")
	}
	for j := 0; j < 4; j++ {
		for i := 0; i < 6; i++ {
			w.line("VMOVUPS %d(R15), %s", (i*4+j)*64, ymm(i))
		}
		bt2(w, ys(0), ys(6), [2]string{"Y12", "Y13"})
		for i := 0; i < 6; i++ {
			w.line("VMOVUPS %s, %d(R15)", ymm(6+i), (i*4+j)*64)
		}
	}
	// Whole stores (masked stores are slow on some cores) while they end
	// within the point: lanes past a row's last tile land in the next
	// rows' tiles or the next channels', written again after them.
	w.line("MOVQ AX, DX")
	w.line("CMPQ room-16(SP), $0")
	w.line("JLT inlast")
	rowTransforms(w, false)
	w.line("JMP inrowdone")
	w.label("inlast")
	w.line("VMOVDQU %d(R15), Y14", masks+128)
	rowTransforms(w, true)
	w.label("inrowdone")
	w.line("MOVQ tw+64(FP), DX")
	w.line("SUBQ DX, room-16(SP)")
	for _, s := range []string{
		"ADDQ R14, AX",
		"LEAQ (BX)(R11*4), BX",
		"SUBQ $4, R12",
		"DECQ rows-8(SP)",
		"JNZ inrow",
		"ADDQ R8, DI",
		"ADDQ R10, SI",
		"DECQ CX",
		"JNZ inchan",
		// Some lane is NaN exactly when Y15 - Y15 holds a NaN.
		"VSUBPS Y15, Y15, Y0",
		"VCMPPS $3, Y0, Y0, Y0",
		"VMOVMSKPS Y0, AX",
		"MOVQ AX, ret+72(FP)",
		"VZEROUPPER",
		"RET",
	} {
		w.line("%s", s)
	}
}

// rowTransforms writes B^T along the six transformed rows in the scratch
// and stores the points from DX on; masked by Y14, or whole.
func rowTransforms(w *asm, masked bool) {
	for i := 0; i < 6; i++ {
		for j := 0; j < 4; j++ {
			w.line("VMOVUPS %d(R15), %s", (i*4+j)*64, ymm(j))
		}
		w.line("VMOVUPS %d(R15), Y4", (i*4+0)*64+4)
		w.line("VMOVUPS %d(R15), Y5", (i*4+1)*64+4)
		bt2(w, ys(0), ys(6), [2]string{"Y12", "Y13"})
		for j := 0; j < 6; j++ {
			if masked {
				w.line("VMASKMOVPS %s, Y14, (DX)", ymm(6+j))
			} else {
				w.line("VMOVUPS %s, (DX)", ymm(6+j))
			}
			w.line("ADDQ R9, DX")
		}
	}
}

// winoMul2: per point, blocks of 6 (or a last 3) tiles by 16 filters in
// Y0-Y11 (tile t in Y2t, Y2t+1); per channel two filter vectors (Y12,
// Y13) and one broadcast per tile (Y14).
func winoMul2(w *asm) { winoMulLoops(w, "winoMul4AVX2", avx2, 2) }

// at2 writes A^T of six registers d into d[0..3], with four temporaries,
// in the order of wino4.go's at6.
func at2(w *asm, d [6]string, tmp [4]string) {
	a, b, c, e := tmp[0], tmp[1], tmp[2], tmp[3]
	w.line("VADDPS %s, %s, %s", d[2], d[1], a)
	w.line("VSUBPS %s, %s, %s", d[2], d[1], b)
	w.line("VADDPS %s, %s, %s", d[4], d[3], c)
	w.line("VSUBPS %s, %s, %s", d[4], d[3], e)
	w.line("VADDPS %s, %s, %s", a, d[0], d[0]) // (m0 + a) + c
	w.line("VADDPS %s, %s, %s", c, d[0], d[0])
	w.line("VMOVAPS %s, %s", b, d[1]) // b + 2d
	w.line("VFMADD231PS %s, %s, %s", a2(a2Two), e, d[1])
	w.line("VMOVAPS %s, %s", a, d[2]) // a + 4c
	w.line("VFMADD231PS %s, %s, %s", a2(a2Four), c, d[2])
	w.line("VADDPS %s, %s, %s", d[5], b, d[3]) // (b + m5) + 8d
	w.line("VFMADD231PS %s, %s, %s", a2(a2Eight), e, d[3])
}

// winoOut2: per tile and 8 filters, A^T along each row of the six by six
// products into a stack buffer (row i, output column c at 32(4i+c)), then
// A^T down each output column, two columns' maxima at a time, bias and
// the clamp at lo; the four pooled values of each filter are stored lane
// by lane, the pooled row and column past the plane skipped.
func winoOut2(w *asm) {
	w.comment("func winoOut4AVX2(dst, m, bias *float32, ldt, k, th, tw, ph, pw int, lo float32)")
	// Not NOSPLIT: the buffer is over the nosplit limit.
	fmt.Fprintf(&w.b, "TEXT ·winoOut4AVX2(SB), 0, $800-76\n")
	w.line("NO_LOCAL_POINTERS")
	for _, s := range []string{
		"MOVQ dst+0(FP), DI",
		"MOVQ m+8(FP), SI",
		"MOVQ ldt+24(FP), R9",
		"IMULQ k+32(FP), R9",
		"SHLQ $2, R9", // bytes between points
		"MOVQ ph+56(FP), R10",
		"IMULQ pw+64(FP), R10",
		"SHLQ $2, R10", // bytes between filter planes
		"MOVQ pw+64(FP), R11",
		"SHLQ $2, R11", // bytes between pooled rows
		"MOVQ ph+56(FP), AX",
		"MOVQ AX, prow-8(SP)", // pooled rows left
		"MOVQ DI, R15",        // this tile row's first pooled value
	} {
		w.line("%s", s)
	}
	// The stack buffer, off bytes from its start.
	ub := func(off int) string { return fmt.Sprintf("u-%d(SP)", 800-off) }
	w.label("outrow")
	w.line("XORQ R13, R13")
	w.line("CMPQ prow-8(SP), $2")
	w.line("SETGE R13B") // a second pooled row
	w.line("MOVQ pw+64(FP), R12")
	w.line("MOVQ R15, R14")
	w.label("outtile")
	w.line("XORQ CX, CX")
	w.line("CMPQ R12, $2")
	w.line("SETGE CL") // a second pooled column
	w.line("MOVQ k+32(FP), BX")
	w.line("SHRQ $3, BX")
	w.line("MOVQ SI, R8") // this group's products
	w.line("MOVQ R14, DX")
	w.line("MOVQ bias+16(FP), AX")
	w.line("MOVQ AX, bp-16(SP)")
	w.label("outk")
	w.line("MOVQ R8, AX")
	for i := 0; i < 6; i++ {
		for j := 0; j < 6; j++ {
			w.line("VMOVUPS (AX), %s", ymm(j))
			w.line("ADDQ R9, AX")
		}
		at2(w, ys(0), [4]string{"Y6", "Y7", "Y8", "Y9"})
		for c := 0; c < 4; c++ {
			w.line("VMOVUPS %s, %s", ymm(c), ub(32*(4*i+c)))
		}
	}
	// Columns 0 and 1 give P00 (Y14) and P10 (Y15), 2 and 3 P01 (Y10) and P11 (Y12).
	for c := 0; c < 4; c++ {
		for i := 0; i < 6; i++ {
			w.line("VMOVUPS %s, %s", ub(32*(4*i+c)), ymm(i))
		}
		at2(w, ys(0), [4]string{"Y6", "Y7", "Y8", "Y9"})
		for r := 0; r < 4; r++ {
			if c%2 == 0 {
				w.line("VMOVAPS %s, %s", ymm(r), ymm(10+r))
			} else {
				w.line("VMAXPS %s, %s, %s", ymm(r), ymm(10+r), ymm(10+r))
			}
		}
		if c == 1 {
			w.line("VMAXPS Y11, Y10, Y14")
			w.line("VMAXPS Y13, Y12, Y15")
		}
	}
	w.line("VMAXPS Y11, Y10, Y10")
	w.line("VMAXPS Y13, Y12, Y12")
	w.line("MOVQ bp-16(SP), AX")
	w.line("VMOVUPS (AX), Y0")
	w.line("ADDQ $32, AX")
	w.line("MOVQ AX, bp-16(SP)")
	w.line("VBROADCASTSS lo+72(FP), Y1")
	for _, p := range []string{"Y14", "Y10", "Y15", "Y12"} {
		w.line("VADDPS Y0, %s, %s", p, p)
		w.line("VMAXPS Y1, %s, %s", p, p)
	}
	// Lane l of each is filter l of the group.
	w.line("MOVQ DX, AX")
	for half := 0; half < 2; half++ {
		if half == 1 {
			for _, r := range []int{14, 10, 15, 12} {
				w.line("VEXTRACTF128 $1, Y%d, X%d", r, r)
			}
		}
		for l := 0; l < 4; l++ {
			lb := func(s string) string { return fmt.Sprintf("out%s%d", s, 4*half+l) }
			w.line("VEXTRACTPS $%d, X14, (AX)", l)
			w.line("TESTQ CX, CX")
			w.line("JEQ %s", lb("col"))
			w.line("VEXTRACTPS $%d, X10, 4(AX)", l)
			w.label(lb("col"))
			w.line("TESTQ R13, R13")
			w.line("JEQ %s", lb("next"))
			w.line("VEXTRACTPS $%d, X15, (AX)(R11*1)", l)
			w.line("TESTQ CX, CX")
			w.line("JEQ %s", lb("next"))
			w.line("VEXTRACTPS $%d, X12, 4(AX)(R11*1)", l)
			w.label(lb("next"))
			w.line("ADDQ R10, AX")
		}
	}
	for _, s := range []string{
		"ADDQ $32, R8",
		"LEAQ (DX)(R10*8), DX",
		"DECQ BX",
		"JNZ outk",
		"MOVQ k+32(FP), AX",
		"LEAQ (SI)(AX*4), SI",
		"ADDQ $8, R14",
		"SUBQ $2, R12",
		"JGT outtile",
		"LEAQ (R15)(R11*2), R15",
		"SUBQ $2, prow-8(SP)",
		"JGT outrow",
		"VZEROUPPER",
		"RET",
	} {
		w.line("%s", s)
	}
}
