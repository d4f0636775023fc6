package deb

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The files every package must hold.
var wantFiles = []string{
	"./usr/bin/sliced",
	"./usr/lib/systemd/system/sliced.service",
	"./usr/lib/sysusers.d/sliced.conf",
	"./usr/lib/tmpfiles.d/sliced.conf",
	"./etc/sliced/sliced.yaml",
	"./usr/share/doc/sliced/examples/prometheus.yml",
	"./usr/share/doc/sliced/examples/grafana-dashboard.json",
}

func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: skipping", tool)
		}
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// built holds the stand-in packages, made once for all tests.
var built struct {
	dir string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(filepath.Dir(built.dir))
	}
	os.Exit(code)
}

// packages returns the .deb files to check by architecture: those in DEB_DIR,
// or fresh ones around a stand-in binary.
func packages(t *testing.T) map[string]string {
	t.Helper()
	dir := os.Getenv("DEB_DIR")
	if dir == "" && built.dir != "" {
		dir = built.dir
	} else if dir == "" {
		need(t, "go", "bash")
		dist, err := os.MkdirTemp("", "sliced-deb-")
		if err != nil {
			t.Fatal(err)
		}
		stand := filepath.Join(dist, "sliced")
		if err := os.WriteFile(stand, []byte("#!/bin/sh\necho sliced\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "build.sh", "amd64", "arm64")
		cmd.Env = append(os.Environ(), "DIST="+dist, "SLICED_BINARY_amd64="+stand, "SLICED_BINARY_arm64="+stand, "VERSION=1.2.3~test")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build.sh: %v\n%s", err, out)
		}
		dir = filepath.Join(dist, "deb")
		built.dir = dir
	}
	debs := map[string]string{}
	for _, arch := range []string{"amd64", "arm64"} {
		m, _ := filepath.Glob(filepath.Join(dir, "sliced_*_"+arch+".deb"))
		if len(m) != 1 {
			t.Fatalf("want one %s package in %s, found %v", arch, dir, m)
		}
		debs[arch] = m[0]
	}
	return debs
}

func TestPackages(t *testing.T) {
	need(t, "dpkg-deb")
	for arch, deb := range packages(t) {
		if got := strings.TrimSpace(run(t, "dpkg-deb", "--field", deb, "Architecture")); got != arch {
			t.Errorf("%s: Architecture %q, want %q", deb, got, arch)
		}
		if got := strings.TrimSpace(run(t, "dpkg-deb", "--field", deb, "Package")); got != "sliced" {
			t.Errorf("%s: Package %q", deb, got)
		}
		contents := run(t, "dpkg-deb", "--contents", deb)
		for _, f := range wantFiles {
			if !strings.Contains(contents, " "+f+"\n") {
				t.Errorf("%s lacks %s:\n%s", deb, f, contents)
			}
		}
		if !regexp.MustCompile(`-rwxr-xr-x root/root .* \./usr/bin/sliced\n`).MatchString(contents) {
			t.Errorf("%s: /usr/bin/sliced is not an executable owned by root", deb)
		}
		if got := run(t, "dpkg-deb", "--info", deb, "conffiles"); strings.TrimSpace(got) != "/etc/sliced/sliced.yaml" {
			t.Errorf("%s: conffiles %q", deb, got)
		}
		if got := run(t, "dpkg-deb", "--info", deb, "postinst"); !strings.Contains(got, "enable sliced.service") {
			t.Errorf("%s: postinst does not enable the service", deb)
		}
	}
}

// The amd64 package installs into a throwaway root with its maintainer
// scripts (chrootless, DPKG_ROOT set), then removes and purges cleanly.
func TestInstallIntoThrowawayRoot(t *testing.T) {
	need(t, "dpkg", "dpkg-deb", "systemd-sysusers", "systemd-tmpfiles", "systemctl")
	if os.Geteuid() != 0 {
		t.Skip("dpkg --root needs root to set file owners")
	}
	deb := packages(t)["amd64"]
	root := t.TempDir()
	for _, d := range []string{"var/lib/dpkg/info", "var/lib/dpkg/updates"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"var/lib/dpkg/status", "var/lib/dpkg/available"} {
		if err := os.WriteFile(filepath.Join(root, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dpkg := func(args ...string) string {
		return run(t, "dpkg", append([]string{"--root=" + root, "--force-script-chrootless", "--log=/dev/null"}, args...)...)
	}
	at := func(p string) string { return filepath.Join(root, p) }

	dpkg("-i", deb)
	if st := run(t, "dpkg", "--root="+root, "-s", "sliced"); !strings.Contains(st, "Status: install ok installed") {
		t.Fatalf("not installed:\n%s", st)
	}
	for _, f := range wantFiles {
		if _, err := os.Stat(at(f)); err != nil {
			t.Errorf("installed root lacks %s", f)
		}
	}
	passwd, _ := os.ReadFile(at("etc/passwd"))
	if !regexp.MustCompile(`(?m)^sliced:x:\d+:\d+:.*:/var/lib/sliced:/usr/sbin/nologin$`).Match(passwd) {
		t.Errorf("no sliced user:\n%s", passwd)
	}
	if st, err := os.Stat(at("var/lib/sliced")); err != nil || st.Mode().Perm() != 0o750 {
		t.Errorf("/var/lib/sliced: %v %v", st, err)
	}
	tok, err := os.Stat(at("etc/sliced/token"))
	if err != nil || tok.Mode().Perm() != 0o600 || tok.Size() < 32 {
		t.Errorf("/etc/sliced/token: %v %v", tok, err)
	}
	wants := at("etc/systemd/system/multi-user.target.wants/sliced.service")
	if target, err := os.Readlink(wants); err != nil || target != "/usr/lib/systemd/system/sliced.service" {
		t.Errorf("service not enabled: %q %v", target, err)
	}

	dpkg("-r", "sliced")
	if _, err := os.Lstat(wants); err == nil {
		t.Error("remove left the service enabled")
	}
	if _, err := os.Stat(at("etc/sliced/sliced.yaml")); err != nil {
		t.Error("remove deleted the config (a conffile stays until purge)")
	}
	dpkg("-P", "sliced")
	for _, f := range []string{"etc/sliced/sliced.yaml", "etc/sliced/token", "var/lib/sliced", "usr/bin/sliced"} {
		if _, err := os.Lstat(at(f)); err == nil {
			t.Errorf("purge left %s", f)
		}
	}
}
