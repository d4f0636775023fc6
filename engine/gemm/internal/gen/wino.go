package gen

import (
	"fmt"
	"math/bits"
	"strings"
)

// Wino4AMD64 writes wino4_amd64.s: the three Winograd F(4x4,3x3) kernels
// of engine/gemm/wino4.go for AVX-512, then for AVX2+FMA (wino_avx2.go).
// Every transform is unrolled over its six rows; the register plan is in the comments of each part.
func Wino4AMD64() string {
	w := &asm{}
	w.b.WriteString(header)
	w.b.WriteString("//go:build !purego\n\n#include \"textflag.h\"\n#include \"funcdata.h\"\n")
	w.comment("winoIdx: vector j picks values j, j+4, j+8, ... of a 32-value row.")
	for j := 0; j < 6; j++ {
		for l := 0; l < 16; l++ {
			fmt.Fprintf(&w.b, "DATA winoIdx<>+%d(SB)/4, $%d\n", (j*16+l)*4, (4*l+j)&31)
		}
	}
	w.b.WriteString("GLOBL winoIdx<>(SB), RODATA|NOPTR, $384\n")
	winoIn(w)
	winoMul(w)
	winoOut(w)
	wino2Data(w)
	winoIn2(w)
	winoMul2(w)
	winoOut2(w)
	return w.String()
}

func zr(i int) string { return fmt.Sprintf("Z%d", i) }

func zs(from, n int) []string {
	r := make([]string, n)
	for i := range r {
		r[i] = zr(from + i)
	}
	return r
}

// bt writes t = B^T d for six registers, with Z29, Z30, Z31 = 2, 4, 5
// and four temporaries; the same order of operations as wino4.go's bt6.
func bt(w *asm, d, t, tmp []string) {
	w.line("VMOVAPS %s, %s", d[4], t[0])
	w.line("VFMADD231PS Z30, %s, %s", d[0], t[0])
	w.line("VFNMADD231PS Z31, %s, %s", d[2], t[0])
	w.line("VADDPS %s, %s, %s", d[2], d[1], tmp[0])
	w.line("VADDPS %s, %s, %s", d[4], d[3], t[1])
	w.line("VFNMADD231PS Z30, %s, %s", tmp[0], t[1])
	w.line("VSUBPS %s, %s, %s", d[2], d[1], tmp[1])
	w.line("VSUBPS %s, %s, %s", d[3], d[4], t[2])
	w.line("VFMADD231PS Z30, %s, %s", tmp[1], t[2])
	w.line("VSUBPS %s, %s, %s", d[2], d[4], tmp[2])
	w.line("VSUBPS %s, %s, %s", d[1], d[3], tmp[3])
	w.line("VMOVAPS %s, %s", tmp[2], t[3])
	w.line("VFMADD231PS Z29, %s, %s", tmp[3], t[3])
	w.line("VMOVAPS %s, %s", tmp[2], t[4])
	w.line("VFNMADD231PS Z29, %s, %s", tmp[3], t[4])
	w.line("VMOVAPS %s, %s", d[5], t[5])
	w.line("VFMADD231PS Z30, %s, %s", d[1], t[5])
	w.line("VFNMADD231PS Z31, %s, %s", d[3], t[5])
}

func broadcastConsts(w *asm, bits ...string) {
	for i, b := range bits {
		w.line("MOVL $%s, AX", b)
		w.line("VPBROADCASTD AX, Z%d", 29+i)
	}
}

// winoIn: per channel and row of tiles, the six input rows (32 values,
// two registers each: Z0-Z5 low halves, Z6-Z11 high) go through B^T down
// the columns into Z12-Z23; per transformed row, six permutes gather the
// six taps of every tile across the lanes, and B^T along the row gives
// the six points, stored for tw tiles at once (mask K3).
func winoIn(w *asm) {
	w.comment("func winoIn4(v *float32, ldt int, src *float32, chans, plane, pitch, height, th, tw, mlo, mhi, mtw int) int\n// Z28 sums every value read: it ends non-finite when one of them is.")
	fmt.Fprintf(&w.b, "TEXT ·winoIn4(SB), NOSPLIT, $8-104\n")
	for _, s := range []string{
		"VPXORD Z28, Z28, Z28",
		"MOVQ v+0(FP), DI",
		"MOVQ ldt+8(FP), R8",
		"SHLQ $2, R8",
		"MOVQ chans+24(FP), CX",
		"MOVQ CX, R9",
		"IMULQ R8, R9", // bytes between points
		"MOVQ src+16(FP), SI",
		"MOVQ plane+32(FP), R10",
		"SHLQ $2, R10",
		"MOVQ pitch+40(FP), R11",
		"SHLQ $2, R11",
		"MOVQ tw+64(FP), R14",
		"SHLQ $2, R14",
		"MOVQ mlo+72(FP), AX",
		"KMOVW AX, K1",
		"MOVQ mhi+80(FP), AX",
		"KMOVW AX, K2",
		"MOVQ mtw+88(FP), AX",
		"KMOVW AX, K3",
	} {
		w.line("%s", s)
	}
	broadcastConsts(w, "0x40000000", "0x40800000", "0x40a00000")
	w.label("inchan")
	w.line("MOVQ DI, AX")
	w.line("MOVQ SI, BX")
	w.line("MOVQ height+48(FP), R12") // rows left from this tile row
	w.line("MOVQ th+56(FP), DX")
	w.line("MOVQ DX, rows-8(SP)")
	w.label("inrow")
	w.line("MOVQ BX, R13")
	for i := 0; i < 6; i++ {
		lo, hi := zr(i), zr(i+6)
		w.line("CMPQ R12, $%d", i)
		w.line("JLE inzero%d", i)
		w.line("VMOVUPS.Z (R13), K1, %s", lo)
		w.line("VMOVUPS.Z 64(R13), K2, %s", hi)
		w.line("VADDPS %s, Z28, Z28", lo)
		w.line("VADDPS %s, Z28, Z28", hi)
		w.line("JMP inload%d", i)
		w.label(fmt.Sprintf("inzero%d", i))
		w.line("VPXORD %s, %s, %s", lo, lo, lo)
		w.line("VPXORD %s, %s, %s", hi, hi, hi)
		w.label(fmt.Sprintf("inload%d", i))
		w.line("ADDQ R11, R13")
	}
	tmp := zs(24, 4)
	bt(w, zs(0, 6), zs(12, 6), tmp)
	bt(w, zs(6, 6), zs(18, 6), tmp)
	w.line("MOVQ AX, DX")
	for i := 0; i < 6; i++ {
		for j := 0; j < 6; j++ {
			w.line("VMOVDQU32 winoIdx<>+%d(SB), %s", 64*j, zr(j))
			w.line("VPERMI2PS %s, %s, %s", zr(18+i), zr(12+i), zr(j))
		}
		bt(w, zs(0, 6), zs(6, 6), tmp)
		for j := 0; j < 6; j++ {
			w.line("VMOVUPS %s, K3, (DX)", zr(6+j))
			w.line("ADDQ R9, DX")
		}
	}
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
		"VSUBPS Z28, Z28, Z27",
		"VCMPPS $3, Z27, Z27, K4",
		"KMOVW K4, AX",
		"MOVQ AX, ret+96(FP)",
		"VZEROUPPER",
		"RET",
	} {
		w.line("%s", s)
	}
}

// winoMul: per point, blocks of 6 (or a last 3) tiles by 64 filters in
// Z0-Z23; per channel four filter vectors (Z24-Z27) and one broadcast per
// tile.
func winoMul(w *asm) { winoMulLoops(w, "winoMul4", avx512, 4) }

// winoMulLoops writes the products of the Winograd kernels for one x86
// register width: per point, per block of vecs registers of filters,
// blocks of 6 tiles and then one of 3 when ldt is an odd multiple of 3.
func winoMulLoops(w *asm, name string, v x86, vecs int) {
	filters := vecs * v.lanes
	w.comment(fmt.Sprintf("func %s(m, v, u *float32, chans, ldt, k, points int)", name))
	fmt.Fprintf(&w.b, "TEXT ·%s(SB), NOSPLIT, $16-56\n", name)
	for _, s := range []string{
		"MOVQ m+0(FP), DI",
		"MOVQ v+8(FP), SI",
		"MOVQ u+16(FP), BX",
		"MOVQ ldt+32(FP), R8",
		"SHLQ $2, R8",
		"MOVQ k+40(FP), R9",
		"SHLQ $2, R9",
		"MOVQ points+48(FP), AX",
		"MOVQ AX, pts-8(SP)",
	} {
		w.line("%s", s)
	}
	w.label("mulpoint")
	w.line("MOVQ BX, R10")
	w.line("MOVQ DI, R11")
	w.line("MOVQ k+40(FP), AX")
	w.line("SHRQ $%d, AX", bits.TrailingZeros(uint(filters)))
	w.line("MOVQ AX, kbs-16(SP)")
	w.label("mulkblock")
	w.line("MOVQ SI, R12")
	w.line("MOVQ R11, R13")
	w.line("MOVQ ldt+32(FP), R14")
	w.label("multblock")
	w.line("CMPQ R14, $6")
	w.line("JLT multhree")
	mulBlock(w, v, vecs, 6, "six")
	w.line("ADDQ $24, R12")
	w.line("LEAQ (R13)(R9*4), R13")
	w.line("LEAQ (R13)(R9*2), R13")
	w.line("SUBQ $6, R14")
	w.line("JMP multblock")
	w.label("multhree")
	w.line("TESTQ R14, R14")
	w.line("JEQ mulkdone")
	mulBlock(w, v, vecs, 3, "three")
	w.label("mulkdone")
	for _, s := range []string{
		fmt.Sprintf("ADDQ $%d, R10", 4*filters),
		fmt.Sprintf("ADDQ $%d, R11", 4*filters),
		"DECQ kbs-16(SP)",
		"JNZ mulkblock",
		"MOVQ chans+24(FP), AX",
		"IMULQ R8, AX",
		"ADDQ AX, SI",
		"MOVQ chans+24(FP), AX",
		"IMULQ R9, AX",
		"ADDQ AX, BX",
		"MOVQ ldt+32(FP), AX",
		"IMULQ R9, AX",
		"ADDQ AX, DI",
		"DECQ pts-8(SP)",
		"JNZ mulpoint",
		"VZEROUPPER",
		"RET",
	} {
		w.line("%s", s)
	}
}

// mulBlock is the product of n tiles (6 or 3) by vecs registers of
// filters: the sums in the first n*vecs registers, the filters in the
// vecs after them and the broadcast tile values in the next one or two
// (two alternate where the registers allow, so a broadcast overlaps the
// multiply-adds of the tile before).
func mulBlock(w *asm, v x86, vecs, n int, name string) {
	uReg, bReg := 6*vecs, 7*vecs
	bcasts := 2
	if bReg+1 >= map[string]int{"Y": 16, "Z": 32}[v.reg] {
		bcasts = 1
	}
	xor := map[string]string{"Y": "VPXOR", "Z": "VPXORD"}[v.reg] // VPXORD on Y needs AVX-512VL
	for i := 0; i < vecs*n; i++ {
		w.line("%s %s, %s, %s", xor, v.r(i), v.r(i), v.r(i))
	}
	w.line("MOVQ R12, AX")
	w.line("MOVQ R10, DX")
	w.line("MOVQ chans+24(FP), CX")
	w.label("mulinner" + name)
	for j := 0; j < vecs; j++ {
		w.line("VMOVUPS %d(DX), %s", v.bytes()*j, v.r(uReg+j))
	}
	for i := 0; i < n; i++ {
		b := v.r(bReg + i%bcasts)
		w.line("VBROADCASTSS %d(AX), %s", 4*i, b)
		for j := 0; j < vecs; j++ {
			w.line("VFMADD231PS %s, %s, %s", v.r(uReg+j), b, v.r(vecs*i+j))
		}
	}
	w.line("ADDQ R8, AX")
	w.line("ADDQ R9, DX")
	w.line("DECQ CX")
	w.line("JNZ mulinner" + name)
	w.line("MOVQ R13, AX")
	for i := 0; i < n; i++ {
		for j := 0; j < vecs; j++ {
			w.line("VMOVUPS %s, %d(AX)", v.r(vecs*i+j), v.bytes()*j)
		}
		w.line("ADDQ R9, AX")
	}
}

// winoOut: per 16 filters and tile, A^T down each of the six columns of
// points (loaded two by two with memory operands) into S = Z0-Z23 (row r,
// column j in Z(6r+j)), A^T along each row in place, then the 2x2 maxima,
// bias and the clamp, scattered to the CHW output (lane stride ph*pw).
func winoOut(w *asm) {
	w.comment("func winoOut4(dst, m, bias *float32, ldt, k, th, tw, ph, pw int, idx *int32, lo float32)")
	fmt.Fprintf(&w.b, "TEXT ·winoOut4(SB), NOSPLIT, $16-84\n")
	for _, s := range []string{
		"MOVQ dst+0(FP), DI",
		"MOVQ m+8(FP), AX",
		"MOVQ AX, mkb-16(SP)",
		"MOVQ bias+16(FP), BX",
		"MOVQ ldt+24(FP), R8",
		"IMULQ k+32(FP), R8",
		"SHLQ $2, R8", // bytes between points
		"LEAQ (R8)(R8*2), R9",
		"SHLQ $1, R9", // six points
		"MOVQ k+32(FP), R10",
		"SHLQ $2, R10", // bytes between tiles
		"MOVQ pw+64(FP), R11",
		"SHLQ $2, R11",
		"VBROADCASTSS lo+80(FP), Z28",
	} {
		w.line("%s", s)
	}
	broadcastConsts(w, "0x40000000", "0x40800000", "0x41000000")
	for _, s := range []string{
		"MOVQ k+32(FP), AX",
		"SHRQ $4, AX",
		"MOVQ AX, kbs-8(SP)",
	} {
		w.line("%s", s)
	}
	w.label("outkblock")
	w.line("MOVQ mkb-16(SP), SI")
	w.line("MOVQ th+40(FP), R12")
	w.line("MOVQ ph+56(FP), R14") // pooled rows left
	w.line("MOVQ DI, R13")
	w.label("outty")
	w.line("MOVQ tw+48(FP), CX")
	w.label("outtx")
	w.line("MOVQ SI, AX")
	w.line("LEAQ (SI)(R9*2), DX")
	w.line("ADDQ R9, DX")
	for j := 0; j < 6; j++ {
		s := []string{zr(j), zr(6 + j), zr(12 + j), zr(18 + j)}
		w.line("VMOVUPS (AX)(R9*1), Z24")
		w.line("VADDPS (AX)(R9*2), Z24, Z25")
		w.line("VSUBPS (AX)(R9*2), Z24, Z24")
		w.line("VMOVUPS (DX), Z26")
		w.line("VADDPS (DX)(R9*1), Z26, Z27")
		w.line("VSUBPS (DX)(R9*1), Z26, Z26")
		w.line("VADDPS (AX), Z25, %s", s[0])
		w.line("VADDPS Z27, %s, %s", s[0], s[0])
		w.line("VMOVAPS Z24, %s", s[1])
		w.line("VFMADD231PS Z29, Z26, %s", s[1])
		w.line("VMOVAPS Z25, %s", s[2])
		w.line("VFMADD231PS Z30, Z27, %s", s[2])
		w.line("VADDPS (DX)(R9*2), Z24, %s", s[3])
		w.line("VFMADD231PS Z31, Z26, %s", s[3])
		if j < 5 {
			w.line("ADDQ R8, AX")
			w.line("ADDQ R8, DX")
		}
	}
	for r := 0; r < 4; r++ {
		S := zs(6*r, 6)
		w.line("VADDPS %s, %s, Z25", S[2], S[1])
		w.line("VSUBPS %s, %s, Z24", S[2], S[1])
		w.line("VADDPS %s, %s, Z27", S[4], S[3])
		w.line("VSUBPS %s, %s, Z26", S[4], S[3])
		w.line("VADDPS Z25, %s, %s", S[0], S[0])
		w.line("VADDPS Z27, %s, %s", S[0], S[0])
		w.line("VMOVAPS Z24, %s", S[1])
		w.line("VFMADD231PS Z29, Z26, %s", S[1])
		w.line("VMOVAPS Z25, %s", S[2])
		w.line("VFMADD231PS Z30, Z27, %s", S[2])
		w.line("VADDPS %s, Z24, %s", S[5], S[3])
		w.line("VFMADD231PS Z31, Z26, %s", S[3])
	}
	for _, q := range [][4]int{{0, 1, 6, 7}, {2, 3, 8, 9}, {12, 13, 18, 19}, {14, 15, 20, 21}} {
		a, b, c, d := zr(q[0]), zr(q[1]), zr(q[2]), zr(q[3])
		w.line("VMAXPS %s, %s, %s", b, a, a)
		w.line("VMAXPS %s, %s, %s", d, c, c)
		w.line("VMAXPS %s, %s, %s", c, a, a)
		w.line("VADDPS (BX), %s, %s", a, a)
		w.line("VMAXPS Z28, %s, %s", a, a)
	}
	body := `MOVQ idx+72(FP), AX
VMOVDQU32 (AX), Z5
KXNORW K1, K1, K1
VSCATTERDPS Z0, K1, (R13)(Z5*4)
MOVQ tw+48(FP), AX
SUBQ CX, AX
LEAQ 1(AX)(AX*1), AX
CMPQ AX, pw+64(FP)
JGE outnob
KXNORW K1, K1, K1
VSCATTERDPS Z2, K1, 4(R13)(Z5*4)
outnob:
CMPQ R14, $2
JLT outnoa
LEAQ (R13)(R11*1), DX
KXNORW K1, K1, K1
VSCATTERDPS Z12, K1, (DX)(Z5*4)
CMPQ AX, pw+64(FP)
JGE outnoa
KXNORW K1, K1, K1
VSCATTERDPS Z14, K1, 4(DX)(Z5*4)
outnoa:
ADDQ R10, SI
ADDQ $8, R13
DECQ CX
JNZ outtx
MOVQ tw+48(FP), AX
SHLQ $3, AX
SUBQ AX, R13
LEAQ (R13)(R11*2), R13
SUBQ $2, R14
DECQ R12
JNZ outty
ADDQ $64, BX
ADDQ $64, mkb-16(SP)
MOVQ ph+56(FP), AX
IMULQ pw+64(FP), AX
SHLQ $6, AX
ADDQ AX, DI
DECQ kbs-8(SP)
JNZ outkblock
VZEROUPPER
RET`
	for _, s := range strings.Split(body, "\n") {
		if strings.HasSuffix(s, ":") {
			w.label(strings.TrimSuffix(s, ":"))
		} else {
			w.line("%s", s)
		}
	}
}
