package engine

import "math"

// Half-precision and int8 conversions for the engine file. Int8 is
// symmetric with one float32 scale per row: v ~= q * scale.

func f32ToF16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int((b>>23)&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case (b>>23)&0xff == 0xff: // Inf or NaN
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	case exp >= 0x1f:
		return sign | 0x7c00
	case exp <= 0:
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint(14 - exp)
		half := uint32(1) << (shift - 1)
		r := mant >> shift
		rem := mant & (1<<shift - 1)
		if rem > half || (rem == half && r&1 == 1) {
			r++
		}
		return sign | uint16(r)
	}
	r := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && r&1 == 1) {
		r++ // may carry into the exponent, which is the right rounding
	}
	return sign | uint16(r)
}

func f16ToF32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0:
		if mant == 0 {
			return math.Float32frombits(sign)
		}
		f := float32(mant) / 1024 / 16384
		if sign != 0 {
			f = -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

// quantizeRow returns the int8 codes and scale of one row.
func quantizeRow(dst []int8, row []float32) float32 {
	var m float32
	for _, v := range row {
		m = max(m, float32(math.Abs(float64(v))))
	}
	if m == 0 {
		clear(dst)
		return 0
	}
	scale := m / 127
	for i, v := range row {
		dst[i] = int8(math.Round(float64(v / scale)))
	}
	return scale
}

// Requantize returns the rows x cols matrix m as it reads back after being
// stored with precision d, so that calibration can see what the file holds.
func Requantize(d DType, m []float32, rows, cols int) []float32 {
	out := make([]float32, len(m))
	switch d {
	case F16:
		for i, v := range m {
			out[i] = f16ToF32(f32ToF16(v))
		}
	case I8:
		codes := make([]int8, cols)
		for r := 0; r < rows; r++ {
			s := quantizeRow(codes, m[r*cols:(r+1)*cols])
			for j, c := range codes {
				out[r*cols+j] = float32(c) * s
			}
		}
	default:
		copy(out, m)
	}
	return out
}
