package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportOneRow(t *testing.T) {
	data := fixtureMNIST(t, 1200, 100)
	out := t.TempDir()
	if code := run([]string{"report", "--quick", "--data", data, "--rows", "^B8/4000-1000-5ep$", "--out", out}); code != 0 {
		t.Fatalf("report exited %d", code)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| B, dense 8 | 87.5 | ") || !strings.Contains(string(md), "not run") {
		t.Errorf("report.md should hold the B/8 row and mark the others not run:\n%s", md)
	}
	if _, err := os.Stat(filepath.Join(out, "rows", "B8_4000-1000-5ep.json")); err != nil {
		t.Errorf("row not cached: %v", err)
	}
}

func TestReportBadFlags(t *testing.T) {
	if code := run([]string{"report"}); code != 2 {
		t.Errorf("no --out: exit %d, want 2", code)
	}
	if code := run([]string{"report", "--out", t.TempDir(), "--rows", "("}); code != 1 {
		t.Errorf("bad --rows: exit %d, want 1", code)
	}
	if code := run([]string{"report", "--out", t.TempDir(), "--budgets", "lots"}); code != 1 {
		t.Errorf("bad --budgets: exit %d, want 1", code)
	}
}
