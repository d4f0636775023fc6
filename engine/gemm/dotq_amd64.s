//go:build !purego

#include "textflag.h"

// LANESUM(zn, yn, xn, yt, xt) folds the 16 int32 lanes of one register
// (named as Z, Y and X) into its low 4, with another as scratch.
#define LANESUM(zn, yn, xn, yt, xt) VEXTRACTI32X8 $1, zn, yt; VPADDD yt, yn, yn; VEXTRACTI128 $1, yn, xt; VPADDD xt, xn, xn

// func dotsInt16(groups, blocks int, a *int16, lda int, x *int16, y *int32)
//
// Four rows a group, 64 values a block: two 32-value halves of x, eight
// VPDPWSSD accumulators (each adds pairs of int16 products to 16 int32
// lanes), then each row's lanes summed and the group's four sums stored.
TEXT ·dotsInt16(SB), NOSPLIT, $0-48
	MOVQ groups+0(FP), R11
	MOVQ blocks+8(FP), R12
	MOVQ a+16(FP), SI
	MOVQ lda+24(FP), DX
	SHLQ $1, DX
	MOVQ x+32(FP), R13
	MOVQ y+40(FP), DI
	TESTQ R11, R11
	JEQ done
	TESTQ R12, R12
	JEQ done
group:
	MOVQ SI, AX
	LEAQ (AX)(DX*1), R8
	LEAQ (R8)(DX*1), R9
	LEAQ (R9)(DX*1), R10
	MOVQ R13, BX
	MOVQ R12, CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
loop:
	VMOVDQU16 (BX), Z8
	VMOVDQU16 64(BX), Z9
	VPDPWSSD (AX), Z8, Z0
	VPDPWSSD 64(AX), Z9, Z1
	VPDPWSSD (R8), Z8, Z2
	VPDPWSSD 64(R8), Z9, Z3
	VPDPWSSD (R9), Z8, Z4
	VPDPWSSD 64(R9), Z9, Z5
	VPDPWSSD (R10), Z8, Z6
	VPDPWSSD 64(R10), Z9, Z7
	ADDQ $128, AX
	ADDQ $128, R8
	ADDQ $128, R9
	ADDQ $128, R10
	ADDQ $128, BX
	DECQ CX
	JNZ loop
	VPADDD Z1, Z0, Z0
	LANESUM(Z0, Y0, X0, Y1, X1)
	VPADDD Z3, Z2, Z2
	LANESUM(Z2, Y2, X2, Y3, X3)
	VPADDD Z5, Z4, Z4
	LANESUM(Z4, Y4, X4, Y5, X5)
	VPADDD Z7, Z6, Z6
	LANESUM(Z6, Y6, X6, Y7, X7)
	VPHADDD X2, X0, X0
	VPHADDD X6, X4, X4
	VPHADDD X4, X0, X0
	VMOVDQU X0, (DI)
	ADDQ $16, DI
	LEAQ (SI)(DX*4), SI
	DECQ R11
	JNZ group
	VZEROUPPER
done:
	RET

// func maxAbsDiff(blocks int, x, mean, d *float32) float32
TEXT ·maxAbsDiff(SB), NOSPLIT, $0-36
	MOVQ blocks+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ mean+16(FP), BX
	MOVQ d+24(FP), DI
	VPXORD Z0, Z0, Z0
	MOVL $0x7fffffff, AX
	VPBROADCASTD AX, Z3
	TESTQ CX, CX
	JEQ maxdone
maxloop:
	VMOVUPS (SI), Z1
	VSUBPS (BX), Z1, Z1
	VMOVUPS Z1, (DI)
	VPANDD Z3, Z1, Z2
	VMAXPS Z2, Z0, Z0
	ADDQ $64, SI
	ADDQ $64, BX
	ADDQ $64, DI
	DECQ CX
	JNZ maxloop
maxdone:
	VEXTRACTF32X8 $1, Z0, Y1
	VMAXPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0x4e, X0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0xb1, X0, X1
	VMAXPS X1, X0, X0
	VZEROUPPER
	MOVSS X0, ret+32(FP)
	RET

// func quantInt16(blocks int, d *float32, inv float32, q *int16)
TEXT ·quantInt16(SB), NOSPLIT, $0-32
	MOVQ blocks+0(FP), CX
	MOVQ d+8(FP), SI
	VBROADCASTSS inv+16(FP), Z3
	MOVQ q+24(FP), DI
	TESTQ CX, CX
	JEQ qdone
qloop:
	VMULPS (SI), Z3, Z1
	VCVTPS2DQ Z1, Z1
	VPMOVSDW Z1, (DI)
	ADDQ $64, SI
	ADDQ $32, DI
	DECQ CX
	JNZ qloop
	VZEROUPPER
qdone:
	RET

// func dotsU16S8(groups, blocks int, a *int8, lda int, lo, hi *uint8, y *int32)
//
// Four rows of int8 codes a group, 64 values a block, against an input of
// 16-bit unsigned codes split into low and high bytes: each row block is
// loaded once into the cache line and VPDPBUSD'd against both halves, so
// the codes stream half the bytes of an int16 product. y gets, per group,
// the four rows' low-byte sums, then their four high-byte sums.
TEXT ·dotsU16S8(SB), NOSPLIT, $0-56
	MOVQ groups+0(FP), R11
	MOVQ blocks+8(FP), R12
	MOVQ a+16(FP), SI
	MOVQ lda+24(FP), DX
	MOVQ lo+32(FP), R13
	MOVQ hi+40(FP), R14
	MOVQ y+48(FP), DI
	TESTQ R11, R11
	JEQ bdone
	TESTQ R12, R12
	JEQ bdone
bgroup:
	MOVQ SI, AX
	LEAQ (AX)(DX*1), R8
	LEAQ (R8)(DX*1), R9
	LEAQ (R9)(DX*1), R10
	MOVQ R13, BX
	MOVQ R14, R15
	MOVQ R12, CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
bloop:
	VMOVDQU8 (BX), Z8
	VMOVDQU8 (R15), Z9
	VMOVDQU8 (AX), Z10
	VMOVDQU8 (R8), Z11
	VMOVDQU8 (R9), Z12
	VMOVDQU8 (R10), Z13
	VPDPBUSD Z10, Z8, Z0
	VPDPBUSD Z10, Z9, Z1
	VPDPBUSD Z11, Z8, Z2
	VPDPBUSD Z11, Z9, Z3
	VPDPBUSD Z12, Z8, Z4
	VPDPBUSD Z12, Z9, Z5
	VPDPBUSD Z13, Z8, Z6
	VPDPBUSD Z13, Z9, Z7
	ADDQ $64, AX
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, R10
	ADDQ $64, BX
	ADDQ $64, R15
	DECQ CX
	JNZ bloop
	// Each accumulator's 16 lanes summed: low sums of the four rows in
	// X0, high sums in X1.
	LANESUM(Z0, Y0, X0, Y8, X8)
	LANESUM(Z1, Y1, X1, Y8, X8)
	LANESUM(Z2, Y2, X2, Y8, X8)
	LANESUM(Z3, Y3, X3, Y8, X8)
	LANESUM(Z4, Y4, X4, Y8, X8)
	LANESUM(Z5, Y5, X5, Y8, X8)
	LANESUM(Z6, Y6, X6, Y8, X8)
	LANESUM(Z7, Y7, X7, Y8, X8)
	VPHADDD X2, X0, X0
	VPHADDD X6, X4, X4
	VPHADDD X4, X0, X0
	VPHADDD X3, X1, X1
	VPHADDD X7, X5, X5
	VPHADDD X5, X1, X1
	VMOVDQU X0, (DI)
	VMOVDQU X1, 16(DI)
	ADDQ $32, DI
	LEAQ (SI)(DX*4), SI
	DECQ R11
	JNZ bgroup
	VZEROUPPER
bdone:
	RET

// func rangeF32(blocks int, x *float32) (lo, hi float32)
TEXT ·rangeF32(SB), NOSPLIT, $0-24
	MOVQ blocks+0(FP), CX
	MOVQ x+8(FP), SI
	VMOVUPS (SI), Z0
	VMOVAPS Z0, Z1
	ADDQ $64, SI
	DECQ CX
	JEQ rdone
rloop:
	VMOVUPS (SI), Z2
	VMINPS Z2, Z0, Z0
	VMAXPS Z2, Z1, Z1
	ADDQ $64, SI
	DECQ CX
	JNZ rloop
rdone:
	VEXTRACTF32X8 $1, Z0, Y2
	VMINPS Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X2
	VMINPS X2, X0, X0
	VPERMILPS $0x4e, X0, X2
	VMINPS X2, X0, X0
	VPERMILPS $0xb1, X0, X2
	VMINPS X2, X0, X0
	VEXTRACTF32X8 $1, Z1, Y2
	VMAXPS Y2, Y1, Y1
	VEXTRACTF128 $1, Y1, X2
	VMAXPS X2, X1, X1
	VPERMILPS $0x4e, X1, X2
	VMAXPS X2, X1, X1
	VPERMILPS $0xb1, X1, X2
	VMAXPS X2, X1, X1
	VZEROUPPER
	MOVSS X0, lo+16(FP)
	MOVSS X1, hi+20(FP)
	RET

// func splitU16(blocks int, x *float32, inv float32, lo, hi *uint8)
//
// x * inv rounded to the nearest (x >= 0, at most 65535), its low and high
// bytes stored apart, 16 values a block.
TEXT ·splitU16(SB), NOSPLIT, $0-40
	MOVQ blocks+0(FP), CX
	MOVQ x+8(FP), SI
	VBROADCASTSS inv+16(FP), Z3
	MOVQ lo+24(FP), DI
	MOVQ hi+32(FP), R8
	MOVL $0xff, AX
	VPBROADCASTD AX, Z4
	TESTQ CX, CX
	JEQ sdone
sloop:
	VMULPS (SI), Z3, Z1
	VCVTPS2UDQ Z1, Z1
	VPANDD Z4, Z1, Z2
	VPMOVDB Z2, (DI)
	VPSRLD $8, Z1, Z1
	VPMOVUSDB Z1, (R8)
	ADDQ $64, SI
	ADDQ $16, DI
	ADDQ $16, R8
	DECQ CX
	JNZ sloop
	VZEROUPPER
sdone:
	RET
