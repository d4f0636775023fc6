//go:build !purego

#include "textflag.h"

// func nextAtMost(d *float32, blocks int, thr float32) int
TEXT ·nextAtMost(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), SI
	MOVQ blocks+8(FP), CX
	VBROADCASTSS thr+16(FP), Z1
	XORQ AX, AX
scan:
	TESTQ CX, CX
	JEQ none
	VCMPPS $13, (SI), Z1, K1
	KMOVW K1, DX
	TESTL DX, DX
	JNE found
	ADDQ $64, SI
	ADDQ $16, AX
	DECQ CX
	JMP scan
found:
	BSFL DX, DX
	ADDQ DX, AX
none:
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET
