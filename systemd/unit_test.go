package systemd

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// maxExposure is the highest `systemd-analyze security` score the unit may have.
const maxExposure = 2.5

func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (Debian package systemd): skipping", name)
	}
	return p
}

// fakeRoot builds a root with the host's unit files, the commands the unit runs
// and the unit itself: `systemd-analyze verify` checks that ExecStart exists,
// and sliced need not be installed on the machine running the test.
func fakeRoot(t *testing.T) string {
	t.Helper()
	const units = "/usr/lib/systemd/system"
	if _, err := os.Stat(filepath.Join(units, "sysinit.target")); err != nil {
		t.Skipf("no systemd unit files in %s: skipping", units)
	}
	root := t.TempDir()
	mustRun(t, "cp", "-a", units, filepath.Join(root, "usr/lib/systemd/system"))
	for _, dir := range []string{"usr/bin", "etc/systemd/system"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("usr/bin", filepath.Join(root, "bin")); err != nil {
		t.Fatal(err)
	}
	for _, exe := range []string{"usr/bin/sliced", "usr/bin/kill"} {
		if err := os.WriteFile(filepath.Join(root, exe), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, "sliced.service", filepath.Join(root, "etc/systemd/system/sliced.service"))
	return root
}

func mustRun(t *testing.T, name string, args ...string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(args[len(args)-1]), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestUnitVerifies(t *testing.T) {
	tool := needTool(t, "systemd-analyze")
	root := fakeRoot(t)
	out, err := exec.Command(tool, "verify", "--root="+root, "sliced.service").CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	// verify exits 0 on unknown keys and bad values but prints them.
	if s := strings.TrimSpace(string(out)); s != "" {
		t.Fatalf("systemd-analyze verify complained:\n%s", s)
	}
}

var exposureRE = regexp.MustCompile(`Overall exposure level for sliced\.service: ([0-9.]+)`)

func TestUnitExposure(t *testing.T) {
	tool := needTool(t, "systemd-analyze")
	out, err := exec.Command(tool, "security", "--offline=true", "--no-pager", "./sliced.service").CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	m := exposureRE.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no overall exposure in the output:\n%s", out)
	}
	got, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("exposure %.1f", got)
	if got > maxExposure {
		t.Fatalf("exposure %.1f > %.1f:\n%s", got, maxExposure, out)
	}
}

// The sysusers and tmpfiles entries are applied to a throwaway root, as the
// package's postinst does on a board.
func TestSysusersAndTmpfiles(t *testing.T) {
	sysusers := needTool(t, "systemd-sysusers")
	tmpfiles := needTool(t, "systemd-tmpfiles")
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A Debian base system has the video group; gpio and i2c come from sysusers.
	if err := os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\nvideo:x:44:\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("sliced.sysusers")
	if out, err := exec.Command(sysusers, "--root="+root, abs).CombinedOutput(); err != nil {
		t.Fatalf("systemd-sysusers: %v\n%s", err, out)
	}
	passwd, _ := os.ReadFile(filepath.Join(root, "etc/passwd"))
	if !regexp.MustCompile(`(?m)^sliced:x:\d+:\d+:[^:]*:/var/lib/sliced:/usr/sbin/nologin$`).Match(passwd) {
		t.Fatalf("no sliced user in passwd:\n%s", passwd)
	}
	group, _ := os.ReadFile(filepath.Join(root, "etc/group"))
	for _, g := range []string{"video", "gpio", "i2c"} {
		if !regexp.MustCompile(`(?m)^` + g + `:x:\d+:.*\bsliced\b`).Match(group) {
			t.Errorf("sliced is not in group %s:\n%s", g, group)
		}
	}
	abs, _ = filepath.Abs("sliced.tmpfiles")
	if out, err := exec.Command(tmpfiles, "--root="+root, "--create", abs).CombinedOutput(); err != nil {
		t.Fatalf("systemd-tmpfiles: %v\n%s", err, out)
	}
	st, err := os.Stat(filepath.Join(root, "var/lib/sliced"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o750 {
		t.Errorf("/var/lib/sliced mode %v, want 0750", st.Mode().Perm())
	}
}
