package prototypes

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseBytes reads sizes such as 74KiB, 1MiB, 250000, 128k or "unlimited"
// (0).
func ParseBytes(s string) (int, error) {
	t := strings.TrimSpace(strings.ToLower(s))
	if t == "unlimited" || t == "0" || t == "none" {
		return 0, nil
	}
	mult := 1
	for _, u := range []struct {
		suffix string
		mult   int
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"kb", 1000}, {"mb", 1000000}, {"k", 1 << 10}, {"m", 1 << 20}, {"b", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("size %q: want a number with an optional KiB or MiB suffix", s)
	}
	return int(v * float64(mult)), nil
}

// FormatBytes prints a size the way budgets are written.
func FormatBytes(n int) string {
	switch {
	case n == 0:
		return "unlimited"
	case n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%.1fKiB", float64(n)/1024)
	}
	return fmt.Sprintf("%dB", n)
}
