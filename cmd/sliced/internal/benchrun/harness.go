package benchrun

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// The harness both benchmark tables share (`sliced bench` here, `make
// bench` in benchtable): interleaved timing rounds, percentiles and the
// table writer.

// Rounds runs interleaved rounds until every lane is done: in each round
// every lane still going takes one turn, so that load from other work on
// the machine falls on all lanes alike. A turn says whether its lane goes
// on; an error ends the rounds.
func Rounds(lanes int, turn func(lane int) (more bool, err error)) error {
	going := make([]bool, lanes)
	for i := range going {
		going[i] = true
	}
	for left := lanes; left > 0; {
		for i, on := range going {
			if !on {
				continue
			}
			more, err := turn(i)
			if err != nil {
				return err
			}
			if !more {
				going[i] = false
				left--
			}
		}
	}
	return nil
}

// Percentile is the q-quantile of d by nearest rank (q 0: the fastest), or
// 0 for no samples. d is not changed.
func Percentile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	k := int(q*float64(len(s))+0.999999) - 1
	return s[min(max(k, 0), len(s)-1)]
}

// Micros is d in microseconds.
func Micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// Table is rows of text cells under a header. A row shorter than the
// header leaves the other cells blank; its last cell (a reason a row did
// not run) runs on past the columns in Text.
type Table struct {
	Header []string
	Rows   [][]string
	Align  string // per column, 'r' right-aligns it in markdown; others left
}

// Markdown writes the table as GitHub markdown.
func (t *Table) Markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "| %s |\n|", strings.Join(t.Header, " | "))
	for i := range t.Header {
		if i < len(t.Align) && t.Align[i] == 'r' {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, row := range t.Rows {
		c := make([]string, len(t.Header))
		for i, s := range row {
			c[i] = strings.ReplaceAll(s, "|", `\|`)
		}
		fmt.Fprintf(&b, "| %s |\n", strings.Join(c, " | "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Text writes the table with its columns aligned for a terminal.
func (t *Table) Text(w io.Writer) error {
	rows := append([][]string{t.Header}, t.Rows...)
	width := make([]int, len(t.Header))
	for _, c := range rows {
		for i, s := range c {
			if i < len(c)-1 || len(c) == len(t.Header) {
				width[i] = max(width[i], len([]rune(s)))
			}
		}
	}
	var b strings.Builder
	for _, c := range rows {
		for i, s := range c {
			if i == len(c)-1 {
				b.WriteString(s)
				break
			}
			b.WriteString(s + strings.Repeat(" ", width[i]-len([]rune(s))+2))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
