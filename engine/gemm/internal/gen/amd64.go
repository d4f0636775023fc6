package gen

import "fmt"

// x86 describes one vector extension: register prefix and width.
type x86 struct {
	name  string // suffix of the generated functions
	reg   string // "Y" or "Z"
	lanes int    // float32 lanes per register
}

func (v x86) r(i int) string { return fmt.Sprintf("%s%d", v.reg, i) }

func (v x86) bytes() int { return v.lanes * 4 }

var (
	avx2   = x86{"AVX2", "Y", 8}
	avx512 = x86{"AVX512", "Z", 16}
)

// Tile shapes: rows of A times vectors of B per register tile. AVX2 has
// 16 registers: 6x2 accumulators, 2 for B, 2 for broadcasts. AVX-512 has
// 32: 8x2 accumulators leave room to spare while the 64 and 32 filter
// rows of the conv layers split into whole panels.
const (
	avx2Rows   = 6
	avx512Rows = 8
	tileVecs   = 2
	tileUnroll = 4
)

// AMD64 is the text of kernels_amd64.s.
func AMD64() string {
	w := &asm{}
	w.b.WriteString(header)
	w.b.WriteString("//go:build !purego\n\n#include \"textflag.h\"\n")
	for _, s := range []start{fromC, fromZero, fromBias} {
		x86Tile(w, avx2, avx2Rows, s)
		x86Tile(w, avx512, avx512Rows, s)
	}
	x86Dot4(w, avx2)
	x86Dot4(w, avx512)
	x86Dots(w, avx2)
	x86Dots(w, avx512)
	x86Axpy4(w, avx2)
	x86Axpy4(w, avx512)
	x86AxpyCols(w, avx2)
	x86AxpyCols(w, avx512)
	x86Max2x2(w, "Y", 8)
	x86Max2x2(w, "X", 4)
	x86Im2Col(w)
	x86Peak(w, avx2, 12)
	x86Peak(w, avx512, 24)
	return w.String()
}

// start is how a tile kernel fills its accumulators before the loop: from
// C (C += A·B), with zeros (C = A·B), or with a per-row bias
// (C = bias + A·B). The last two spare a pass over C and its loads.
type start int

const (
	fromC start = iota
	fromZero
	fromBias
)

// suffixes name the three variants of each tile kernel.
var suffixes = map[start]string{fromC: "", fromZero: "Set", fromBias: "Bias"}

func tileSignature(name string, s start) string {
	if s == fromBias {
		return fmt.Sprintf("func %s(kc int, a, b *float32, ldb int, c *float32, ldc int, bias *float32, relu int)", name)
	}
	return fmt.Sprintf("func %s(kc int, a, b *float32, ldb int, c *float32, ldc int, relu int)", name)
}

// tileArgs is the argument size of a tile kernel and the offset of its
// relu flag: with relu != 0 the tile is clamped at zero as it is stored.
func tileArgs(s start) (size, relu int) {
	if s == fromBias {
		return 64, 56
	}
	return 56, 48
}

// x86Tile writes tile<ISA>[Set|Bias](kc int, a, b *float32, ldb int, c *float32, ldc int[, bias *float32]):
// C[rows x 2*lanes] (+)= packed A panel times a B strip of row stride ldb.
func x86Tile(w *asm, v x86, rows int, s start) {
	acc := func(i, j int) string { return v.r(i*tileVecs + j) }
	bReg := func(j int) string { return v.r(rows*tileVecs + j) }
	aReg := func(i int) string { return v.r(rows*tileVecs + tileVecs + i%2) }
	name := "tile" + v.name + suffixes[s]
	op := map[start]string{fromC: "C +=", fromZero: "C =", fromBias: "C = bias +"}[s]
	w.comment(fmt.Sprintf("%s\n// %s A panel (a[p*%d+i]) times B strip (b[p*ldb+j]), %d x %d.", tileSignature(name, s), op, rows, rows, tileVecs*v.lanes))
	args, reluOff := tileArgs(s)
	w.text(name, args)
	w.line("MOVQ kc+0(FP), CX")
	w.line("MOVQ a+8(FP), AX")
	w.line("MOVQ b+16(FP), BX")
	w.line("MOVQ ldb+24(FP), DX")
	w.line("SHLQ $2, DX")
	w.line("MOVQ c+32(FP), DI")
	w.line("MOVQ ldc+40(FP), SI")
	w.line("SHLQ $2, SI")
	switch s {
	case fromC:
		w.line("MOVQ DI, R8")
		for i := 0; i < rows; i++ {
			for j := 0; j < tileVecs; j++ {
				w.line("VMOVUPS %d(R8), %s", j*v.bytes(), acc(i, j))
			}
			if i < rows-1 {
				w.line("ADDQ SI, R8")
			}
		}
	case fromZero:
		for i := 0; i < rows; i++ {
			for j := 0; j < tileVecs; j++ {
				w.line("VXORPS %s, %s, %s", acc(i, j), acc(i, j), acc(i, j))
			}
		}
	case fromBias:
		w.line("MOVQ bias+48(FP), R8")
		for i := 0; i < rows; i++ {
			for j := 0; j < tileVecs; j++ {
				w.line("VBROADCASTSS %d(R8), %s", 4*i, acc(i, j))
			}
		}
	}
	step := func(u int) {
		for j := 0; j < tileVecs; j++ {
			w.line("VMOVUPS %d(BX), %s", j*v.bytes(), bReg(j))
		}
		w.line("ADDQ DX, BX")
		for i := 0; i < rows; i++ {
			w.line("VBROADCASTSS %d(AX), %s", 4*(u*rows+i), aReg(i))
			for j := 0; j < tileVecs; j++ {
				w.line("VFMADD231PS %s, %s, %s", bReg(j), aReg(i), acc(i, j))
			}
		}
	}
	l := func(s string) string { return name + "_" + s }
	w.line("CMPQ CX, $%d", tileUnroll)
	w.line("JLT %s", l("tail"))
	w.label(l("loop"))
	for u := 0; u < tileUnroll; u++ {
		step(u)
	}
	w.line("ADDQ $%d, AX", 4*rows*tileUnroll)
	w.line("SUBQ $%d, CX", tileUnroll)
	w.line("CMPQ CX, $%d", tileUnroll)
	w.line("JGE %s", l("loop"))
	w.label(l("tail"))
	w.line("TESTQ CX, CX")
	w.line("JEQ %s", l("store"))
	w.label(l("one"))
	step(0)
	w.line("ADDQ $%d, AX", 4*rows)
	w.line("DECQ CX")
	w.line("JNZ %s", l("one"))
	w.label(l("store"))
	// max(0, x) with x second: MAXPS returns its second operand when either
	// is NaN, so a NaN survives the clamp as it does in Go.
	w.line("MOVQ relu+%d(FP), R9", reluOff)
	w.line("TESTQ R9, R9")
	w.line("JEQ %s", l("write"))
	w.line("VXORPS %s, %s, %s", bReg(0), bReg(0), bReg(0))
	for i := 0; i < rows; i++ {
		for j := 0; j < tileVecs; j++ {
			w.line("VMAXPS %s, %s, %s", acc(i, j), bReg(0), acc(i, j))
		}
	}
	w.label(l("write"))
	for i := 0; i < rows; i++ {
		for j := 0; j < tileVecs; j++ {
			w.line("VMOVUPS %s, %d(DI)", acc(i, j), j*v.bytes())
		}
		if i < rows-1 {
			w.line("ADDQ SI, DI")
		}
	}
	w.line("VZEROUPPER")
	w.line("RET")
}

// x86Dot4 writes dot4<ISA>(blocks int, a *float32, lda int, x *float32, acc *float32):
// four rows of a times x over blocks*2*lanes values, two accumulators a
// row so that the multiply-adds overlap; the four row sums go to acc[0:4].
func x86Dot4(w *asm, v x86) {
	name := "dot4" + v.name
	rows := []string{"AX", "R8", "R9", "R10"}
	w.comment(fmt.Sprintf("func %s(blocks int, a *float32, lda int, x *float32, acc *float32)", name))
	w.text(name, 40)
	w.line("MOVQ blocks+0(FP), CX")
	w.line("MOVQ a+8(FP), AX")
	w.line("MOVQ lda+16(FP), DX")
	w.line("SHLQ $2, DX")
	w.line("MOVQ x+24(FP), BX")
	w.line("MOVQ acc+32(FP), DI")
	w.line("LEAQ (AX)(DX*1), R8")
	w.line("LEAQ (R8)(DX*1), R9")
	w.line("LEAQ (R9)(DX*1), R10")
	for i := 0; i < 8; i++ {
		w.line("VXORPS %s, %s, %s", v.r(i), v.r(i), v.r(i))
	}
	w.line("TESTQ CX, CX")
	w.line("JEQ %s_store", name)
	w.label(name + "_loop")
	w.line("VMOVUPS (BX), %s", v.r(8))
	w.line("VMOVUPS %d(BX), %s", v.bytes(), v.r(9))
	for r, p := range rows {
		w.line("VFMADD231PS (%s), %s, %s", p, v.r(8), v.r(2*r))
		w.line("VFMADD231PS %d(%s), %s, %s", v.bytes(), p, v.r(9), v.r(2*r+1))
	}
	for _, p := range append(rows, "BX") {
		w.line("ADDQ $%d, %s", 2*v.bytes(), p)
	}
	w.line("DECQ CX")
	w.line("JNZ %s_loop", name)
	w.label(name + "_store")
	// Fold in registers: reading the wide vectors back from memory one
	// float at a time would stall on store forwarding and cost more than
	// the loop on short rows.
	x86Fold4(w, v)
	w.line("VMOVUPS X0, (DI)")
	w.line("VZEROUPPER")
	w.line("RET")
}

// x86Dots writes dots<ISA>(groups, blocks int, a *float32, lda int, x *float32, y *float32):
// dot4's loop and fold for groups of four rows one after the other, the
// sums of group g to y[4g:4g+4]. One call for all the rows of a k-NN set
// of short prototypes, instead of one call (and its overhead) per four.
func x86Dots(w *asm, v x86) {
	name := "dots" + v.name
	rows := []string{"AX", "R8", "R9", "R10"}
	w.comment(fmt.Sprintf("func %s(groups, blocks int, a *float32, lda int, x *float32, y *float32)", name))
	w.text(name, 48)
	w.line("MOVQ groups+0(FP), R11")
	w.line("MOVQ blocks+8(FP), R12")
	w.line("MOVQ a+16(FP), SI")
	w.line("MOVQ lda+24(FP), DX")
	w.line("SHLQ $2, DX")
	w.line("MOVQ x+32(FP), R13")
	w.line("MOVQ y+40(FP), DI")
	w.line("TESTQ R11, R11")
	w.line("JEQ %s_done", name)
	w.line("TESTQ R12, R12")
	w.line("JEQ %s_done", name)
	w.label(name + "_group")
	w.line("MOVQ SI, AX")
	w.line("LEAQ (AX)(DX*1), R8")
	w.line("LEAQ (R8)(DX*1), R9")
	w.line("LEAQ (R9)(DX*1), R10")
	w.line("MOVQ R13, BX")
	w.line("MOVQ R12, CX")
	for i := 0; i < 8; i++ {
		w.line("VXORPS %s, %s, %s", v.r(i), v.r(i), v.r(i))
	}
	w.label(name + "_loop")
	w.line("VMOVUPS (BX), %s", v.r(8))
	w.line("VMOVUPS %d(BX), %s", v.bytes(), v.r(9))
	for r, p := range rows {
		w.line("VFMADD231PS (%s), %s, %s", p, v.r(8), v.r(2*r))
		w.line("VFMADD231PS %d(%s), %s, %s", v.bytes(), p, v.r(9), v.r(2*r+1))
	}
	for _, p := range append(rows, "BX") {
		w.line("ADDQ $%d, %s", 2*v.bytes(), p)
	}
	w.line("DECQ CX")
	w.line("JNZ %s_loop", name)
	x86Fold4(w, v)
	w.line("VMOVUPS X0, (DI)")
	w.line("ADDQ $16, DI")
	w.line("LEAQ (SI)(DX*4), SI")
	w.line("DECQ R11")
	w.line("JNZ %s_group", name)
	w.line("VZEROUPPER")
	w.label(name + "_done")
	w.line("RET")
}

// x86Fold4 sums each of four rows' two accumulators (registers 0 to 7)
// into one lane each of X0.
func x86Fold4(w *asm, v x86) {
	for r := 0; r < 4; r++ {
		w.line("VADDPS %s, %s, %s", v.r(2*r+1), v.r(2*r), v.r(2*r))
		if v.reg == "Z" {
			w.line("VEXTRACTF32X8 $1, Z%d, Y%d", 2*r, 2*r+1)
			w.line("VADDPS Y%d, Y%d, Y%d", 2*r+1, 2*r, 2*r)
		}
		w.line("VEXTRACTF128 $1, Y%d, X%d", 2*r, 2*r+1)
		w.line("VADDPS X%d, X%d, X%d", 2*r+1, 2*r, 2*r)
	}
	w.line("VHADDPS X2, X0, X0")
	w.line("VHADDPS X6, X4, X4")
	w.line("VHADDPS X4, X0, X0")
}

// x86Max2x2 writes max2x2<suffix>(chans, rows, cols int, src *float32, pitch, plane int, dst *float32)
// for vectors of 8 (Y registers) or 4 (X registers) outputs: for c <
// chans, y < rows and x < cols (cols >= the vector width), output
// (c*rows+y)*cols+x is the maximum of src[c*plane+2y*pitch+2x], the value
// after it and the two below them, NaN if any of them is NaN. A row whose
// width is not a multiple of the vector ends with a block that overlaps
// the one before, which writes the same values again. VMAXPS returns its
// second source when either is NaN, so the maximum is taken both ways
// round and the two results ORed: equal when neither is NaN, NaN when one
// is.
func x86Max2x2(w *asm, reg string, lanes int) {
	name := "max2x2" + map[string]string{"Y": "AVX2", "X": "AVX"}[reg]
	r := func(i int) string { return fmt.Sprintf("%s%d", reg, i) }
	shift := map[int]int{8: 3, 4: 2}[lanes]
	w.comment(fmt.Sprintf("func %s(chans, rows, cols int, src *float32, pitch, plane int, dst *float32)", name))
	w.text(name, 56)
	w.line("MOVQ chans+0(FP), R10")
	w.line("MOVQ cols+16(FP), R12")
	w.line("MOVQ src+24(FP), R13")
	w.line("MOVQ pitch+32(FP), DX")
	w.line("SHLQ $2, DX")
	w.line("MOVQ dst+48(FP), DI")
	w.line("TESTQ R10, R10")
	w.line("JEQ %s_done", name)
	w.line("LEAQ -%d(R12), R9", lanes)
	// max writes the NaN-propagating maximum of a and b to dst, using t.
	max := func(a, b, dst, t string) {
		w.line("VMAXPS %s, %s, %s", b, a, t)
		w.line("VMAXPS %s, %s, %s", a, b, dst)
		w.line("VORPS %s, %s, %s", t, dst, dst)
	}
	// block pools 2*lanes values of the rows at AX and BX into lanes
	// values at R8.
	block := func() {
		w.line("VMOVUPS (AX), %s", r(0))
		w.line("VMOVUPS %d(AX), %s", 4*lanes, r(1))
		w.line("VMOVUPS (BX), %s", r(2))
		w.line("VMOVUPS %d(BX), %s", 4*lanes, r(3))
		max(r(0), r(2), r(4), r(8))
		max(r(1), r(3), r(5), r(9))
		// Even and odd columns of each 128-bit lane; with Y registers
		// the pairs' maxima come out in the order 0 1 4 5 | 2 3 6 7,
		// which VPERMPD mends.
		w.line("VSHUFPS $0x88, %s, %s, %s", r(5), r(4), r(6))
		w.line("VSHUFPS $0xDD, %s, %s, %s", r(5), r(4), r(7))
		max(r(6), r(7), r(10), r(11))
		if reg == "Y" {
			w.line("VPERMPD $0xD8, Y10, Y10")
		}
		w.line("VMOVUPS %s, (R8)", r(10))
	}
	w.label(name + "_chan")
	w.line("MOVQ R13, SI")
	w.line("MOVQ rows+8(FP), R11")
	w.line("TESTQ R11, R11")
	w.line("JEQ %s_chandone", name)
	w.label(name + "_row")
	w.line("MOVQ R12, CX")
	w.line("SHRQ $%d, CX", shift)
	w.line("MOVQ SI, AX")
	w.line("LEAQ (SI)(DX*1), BX")
	w.line("MOVQ DI, R8")
	w.label(name + "_block")
	block()
	w.line("ADDQ $%d, AX", 8*lanes)
	w.line("ADDQ $%d, BX", 8*lanes)
	w.line("ADDQ $%d, R8", 4*lanes)
	w.line("DECQ CX")
	w.line("JNZ %s_block", name)
	w.line("TESTQ $%d, R12", lanes-1)
	w.line("JEQ %s_next", name)
	w.line("LEAQ (SI)(R9*8), AX")
	w.line("LEAQ (AX)(DX*1), BX")
	w.line("LEAQ (DI)(R9*4), R8")
	block()
	w.label(name + "_next")
	w.line("LEAQ (SI)(DX*2), SI")
	w.line("LEAQ (DI)(R12*4), DI")
	w.line("DECQ R11")
	w.line("JNZ %s_row", name)
	w.label(name + "_chandone")
	w.line("MOVQ plane+40(FP), CX")
	w.line("SHLQ $2, CX")
	w.line("ADDQ CX, R13")
	w.line("DECQ R10")
	w.line("JNZ %s_chan", name)
	w.line("VZEROUPPER")
	w.label(name + "_done")
	w.line("RET")
}

// x86Im2Col writes im2colAVX2(chans, k, rows, cols int, src *float32, pitch, plane int, dst *float32, skip int):
// for every channel c, kernel row ky and column kx in turn, the rows x
// cols window of src that starts at c*plane + ky*pitch + kx (rows pitch
// apart) goes to dst back to back, then skip values of dst are passed
// over: the patch matrix of a valid, stride-1 convolution, one row of it
// per (c, ky, kx), rows rows*cols+skip apart (skip > 0 leaves room for the
// other images of a batch). Eight values a move; a row whose length
// (cols >= 8) is not a multiple of eight ends with a move that overlaps
// the one before.
func x86Im2Col(w *asm) {
	name := "im2colAVX2"
	w.comment(fmt.Sprintf("func %s(chans, k, rows, cols int, src *float32, pitch, plane int, dst *float32, skip int)", name))
	w.text(name, 72)
	w.line("MOVQ chans+0(FP), R10")
	w.line("TESTQ R10, R10")
	w.line("JEQ %s_done", name)
	w.line("MOVQ src+32(FP), SI")
	w.line("MOVQ pitch+40(FP), DX")
	w.line("SHLQ $2, DX")
	w.line("MOVQ cols+24(FP), R9")
	w.line("SUBQ $8, R9")
	w.line("SHLQ $2, R9") // byte offset of a row's last move
	w.line("MOVQ dst+56(FP), DI")
	w.label(name + "_chan")
	w.line("MOVQ SI, BX")
	w.line("MOVQ k+8(FP), R11")
	w.label(name + "_ky")
	w.line("MOVQ BX, R13")
	w.line("MOVQ k+8(FP), R12")
	w.label(name + "_kx")
	w.line("MOVQ R13, AX")
	w.line("MOVQ rows+16(FP), R8")
	w.label(name + "_row")
	w.line("XORQ CX, CX")
	w.label(name + "_move")
	w.line("CMPQ CX, R9")
	w.line("JGE %s_last", name)
	w.line("VMOVUPS (AX)(CX*1), Y0")
	w.line("VMOVUPS Y0, (DI)(CX*1)")
	w.line("ADDQ $32, CX")
	w.line("JMP %s_move", name)
	w.label(name + "_last")
	w.line("VMOVUPS (AX)(R9*1), Y0")
	w.line("VMOVUPS Y0, (DI)(R9*1)")
	w.line("ADDQ DX, AX")
	w.line("LEAQ 32(DI)(R9*1), DI")
	w.line("DECQ R8")
	w.line("JNZ %s_row", name)
	w.line("MOVQ skip+64(FP), CX")
	w.line("LEAQ (DI)(CX*4), DI")
	w.line("ADDQ $4, R13")
	w.line("DECQ R12")
	w.line("JNZ %s_kx", name)
	w.line("ADDQ DX, BX")
	w.line("DECQ R11")
	w.line("JNZ %s_ky", name)
	w.line("MOVQ plane+48(FP), CX")
	w.line("SHLQ $2, CX")
	w.line("ADDQ CX, SI")
	w.line("DECQ R10")
	w.line("JNZ %s_chan", name)
	w.line("VZEROUPPER")
	w.label(name + "_done")
	w.line("RET")
}

// x86Axpy4 writes axpy4<ISA>(blocks int, a *float32, lda int, s *float32, y *float32):
// y += s[0]*a0 + s[1]*a1 + s[2]*a2 + s[3]*a3 over blocks*2*lanes values,
// with the four terms split over two sums to halve the dependency chain.
func x86Axpy4(w *asm, v x86) {
	name := "axpy4" + v.name
	rows := []string{"AX", "R8", "R9", "R10"}
	w.comment(fmt.Sprintf("func %s(blocks int, a *float32, lda int, s *float32, y *float32)", name))
	w.text(name, 40)
	w.line("MOVQ blocks+0(FP), CX")
	w.line("MOVQ a+8(FP), AX")
	w.line("MOVQ lda+16(FP), DX")
	w.line("SHLQ $2, DX")
	w.line("MOVQ s+24(FP), BX")
	w.line("MOVQ y+32(FP), DI")
	w.line("LEAQ (AX)(DX*1), R8")
	w.line("LEAQ (R8)(DX*1), R9")
	w.line("LEAQ (R9)(DX*1), R10")
	for r := 0; r < 4; r++ {
		w.line("VBROADCASTSS %d(BX), %s", 4*r, v.r(12+r))
	}
	w.line("TESTQ CX, CX")
	w.line("JEQ %s_done", name)
	w.label(name + "_loop")
	for j := 0; j < 2; j++ {
		off := j * v.bytes()
		y, t := v.r(j), v.r(2+j)
		w.line("VMOVUPS %d(DI), %s", off, y)
		w.line("VFMADD231PS %d(%s), %s, %s", off, rows[0], v.r(12), y)
		w.line("VMULPS %d(%s), %s, %s", off, rows[1], v.r(13), t)
		w.line("VFMADD231PS %d(%s), %s, %s", off, rows[2], v.r(14), y)
		w.line("VFMADD231PS %d(%s), %s, %s", off, rows[3], v.r(15), t)
		w.line("VADDPS %s, %s, %s", t, y, y)
		w.line("VMOVUPS %s, %d(DI)", y, off)
	}
	for _, p := range append(rows, "DI") {
		w.line("ADDQ $%d, %s", 2*v.bytes(), p)
	}
	w.line("DECQ CX")
	w.line("JNZ %s_loop", name)
	w.label(name + "_done")
	w.line("VZEROUPPER")
	w.line("RET")
}

// x86AxpyCols writes axpyCols<ISA>(wide, narrow, k int, a *float32, lda
// int, s *float32, y *float32): y[j] += sum over p < k of s[p]*a[p*lda+j]
// for the columns of wide strips of 8 registers and then narrow strips of
// one. A strip's sums stay in registers over all k rows (one load of a per
// multiply-add, none of y), where axpy4 passes over y every four rows:
// the product of a short vector by a long transposed matrix, as the k-NN
// distances are.
func x86AxpyCols(w *asm, v x86) {
	name := "axpyCols" + v.name
	w.comment(fmt.Sprintf("func %s(wide, narrow, k int, a *float32, lda int, s *float32, y *float32)", name))
	w.text(name, 56)
	for _, s := range []string{
		"MOVQ k+16(FP), R11",
		"MOVQ a+24(FP), AX",
		"MOVQ lda+32(FP), DX",
		"SHLQ $2, DX",
		"MOVQ s+40(FP), BX",
		"MOVQ y+48(FP), DI",
		"TESTQ R11, R11",
		"JEQ " + name + "_done",
	} {
		w.line("%s", s)
	}
	for _, strip := range []struct {
		label, count string
		regs         int
	}{{"wide", "wide+0(FP)", 8}, {"narrow", "narrow+8(FP)", 1}} {
		l := func(s string) string { return name + "_" + strip.label + s }
		w.line("MOVQ %s, CX", strip.count)
		w.line("TESTQ CX, CX")
		w.line("JEQ %s", l("done"))
		w.label(l(""))
		for j := 0; j < strip.regs; j++ {
			w.line("VMOVUPS %d(DI), %s", j*v.bytes(), v.r(j))
		}
		w.line("MOVQ AX, SI")
		w.line("MOVQ BX, R8")
		w.line("MOVQ R11, R9")
		w.label(l("row"))
		w.line("VBROADCASTSS (R8), %s", v.r(8))
		for j := 0; j < strip.regs; j++ {
			w.line("VFMADD231PS %d(SI), %s, %s", j*v.bytes(), v.r(8), v.r(j))
		}
		w.line("ADDQ DX, SI")
		w.line("ADDQ $4, R8")
		w.line("DECQ R9")
		w.line("JNZ %s", l("row"))
		for j := 0; j < strip.regs; j++ {
			w.line("VMOVUPS %s, %d(DI)", v.r(j), j*v.bytes())
		}
		w.line("ADDQ $%d, AX", strip.regs*v.bytes())
		w.line("ADDQ $%d, DI", strip.regs*v.bytes())
		w.line("DECQ CX")
		w.line("JNZ %s", l(""))
		w.label(l("done"))
	}
	w.label(name + "_done")
	w.line("VZEROUPPER")
	w.line("RET")
}

// x86Peak writes peak<ISA>(n int): n rounds of chains independent
// multiply-adds and nothing else, the ceiling any kernel can reach.
func x86Peak(w *asm, v x86, chains int) {
	name := "peak" + v.name
	w.comment(fmt.Sprintf("func %s(n int)\n// %d independent FMA chains per round: %d flops a round.", name, chains, chains*v.lanes*2))
	w.text(name, 8)
	w.line("MOVQ n+0(FP), CX")
	for i := 0; i <= chains+1; i++ {
		w.line("VXORPS %s, %s, %s", v.r(i), v.r(i), v.r(i))
	}
	w.line("TESTQ CX, CX")
	w.line("JEQ %s_done", name)
	w.label(name + "_loop")
	for i := 0; i < chains; i++ {
		w.line("VFMADD231PS %s, %s, %s", v.r(chains), v.r(chains+1), v.r(i))
	}
	w.line("DECQ CX")
	w.line("JNZ %s_loop", name)
	w.label(name + "_done")
	w.line("VZEROUPPER")
	w.line("RET")
}
