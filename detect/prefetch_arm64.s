#include "textflag.h"

// func prefetch4(a, b, c, d uintptr)
TEXT ·prefetch4(SB), NOSPLIT|NOFRAME, $0-32
	MOVD a+0(FP), R0
	PRFM (R0), PLDL1KEEP
	MOVD b+8(FP), R0
	PRFM (R0), PLDL1KEEP
	MOVD c+16(FP), R0
	PRFM (R0), PLDL1KEEP
	MOVD d+24(FP), R0
	PRFM (R0), PLDL1KEEP
	RET
