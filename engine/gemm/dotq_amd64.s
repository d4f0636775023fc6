//go:build !purego

#include "textflag.h"

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
	VEXTRACTI32X8 $1, Z0, Y1
	VPADDD Y1, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDD X1, X0, X0
	VPADDD Z3, Z2, Z2
	VEXTRACTI32X8 $1, Z2, Y3
	VPADDD Y3, Y2, Y2
	VEXTRACTI128 $1, Y2, X3
	VPADDD X3, X2, X2
	VPADDD Z5, Z4, Z4
	VEXTRACTI32X8 $1, Z4, Y5
	VPADDD Y5, Y4, Y4
	VEXTRACTI128 $1, Y4, X5
	VPADDD X5, X4, X4
	VPADDD Z7, Z6, Z6
	VEXTRACTI32X8 $1, Z6, Y7
	VPADDD Y7, Y6, Y6
	VEXTRACTI128 $1, Y6, X7
	VPADDD X7, X6, X6
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
