package benchrun

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Microsecond)
	}
	for q, want := range map[float64]float64{0.5: 50, 0.9: 90, 0.99: 99, 1: 100, 0: 1} {
		if got := Micros(Percentile(d, q)); got != want {
			t.Errorf("q %g: %g µs, want %g", q, got, want)
		}
	}
	if d[0] != 100*time.Microsecond {
		t.Error("Percentile sorted its input")
	}
	if Percentile(nil, 0.5) != 0 {
		t.Error("empty input")
	}
}

// Lanes take turns, one per round, until each says it is done.
func TestRounds(t *testing.T) {
	turns := []int{3, 1, 2}
	var order []int
	err := Rounds(len(turns), func(i int) (bool, error) {
		order = append(order, i)
		turns[i]--
		return turns[i] > 0, nil
	})
	if want := []int{0, 1, 2, 0, 2, 0}; err != nil || !slices.Equal(order, want) {
		t.Fatalf("turns %v, %v; want %v", order, err, want)
	}
	bad := errors.New("broken")
	n := 0
	err = Rounds(2, func(int) (bool, error) { n++; return true, bad })
	if !errors.Is(err, bad) || n != 1 {
		t.Fatalf("after an error: %d turns, %v", n, err)
	}
}

func TestTable(t *testing.T) {
	tb := &Table{Header: []string{"name", "a", "b"}, Align: "lr",
		Rows: [][]string{{"x", "1", "2"}, {"long name", "skipped: a|b and then some"}}}
	var md, txt bytes.Buffer
	tb.Markdown(&md)
	tb.Text(&txt)
	wantMD := "| name | a | b |\n|---|---:|---|\n| x | 1 | 2 |\n| long name | skipped: a\\|b and then some |  |\n"
	if md.String() != wantMD {
		t.Errorf("markdown:\n%s\nwant:\n%s", md.String(), wantMD)
	}
	wantTxt := "name       a  b\nx          1  2\nlong name  skipped: a|b and then some\n"
	if txt.String() != wantTxt {
		t.Errorf("text:\n%q\nwant:\n%q", txt.String(), wantTxt)
	}
}
