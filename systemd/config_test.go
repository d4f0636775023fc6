package systemd

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/testbin"
)

// execStart is the unit's ExecStart= command line.
func execStart(t *testing.T) []string {
	t.Helper()
	unit, err := os.ReadFile("sliced.service")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^ExecStart=(.+)$`).FindSubmatch(unit)
	if m == nil {
		t.Fatal("no ExecStart= in sliced.service")
	}
	return strings.Fields(string(m[1]))
}

// The daemon starts with the unit's command line and the shipped config (the
// paths that only exist on an installed system replaced by flags), becomes
// ready, and stops cleanly on SIGTERM within the unit's TimeoutStopSec.
func TestShippedConfigStartsDaemon(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the daemon")
	}
	args := execStart(t)
	if args[0] != "/usr/bin/sliced" || args[1] != "serve" || args[2] != "--config" || args[3] != "/etc/sliced/sliced.yaml" {
		t.Fatalf("ExecStart %v: the package installs /usr/bin/sliced and /etc/sliced/sliced.yaml", args)
	}
	dir := t.TempDir()
	bin := testbin.Sliced(t, testbin.Options{})
	token := filepath.Join(dir, "token")
	if err := os.WriteFile(token, []byte("test-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	cmd := exec.Command(bin, "serve", "--config", "sliced.yaml",
		"--listen", addr, "--state-dir", dir, "--token-file", token)
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	exited := false
	defer func() {
		if !exited {
			_ = cmd.Process.Kill()
			<-done
		}
	}()

	ready := false
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline) && !ready; time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-done:
			exited = true
			t.Fatalf("daemon exited (%v) with the shipped config:\n%s", err, log.String())
		default:
		}
		resp, err := http.Get(fmt.Sprintf("http://%s/v2/health/ready", addr))
		if err == nil {
			ready = resp.StatusCode == http.StatusOK
			resp.Body.Close()
		}
	}
	if !ready {
		t.Fatalf("daemon not ready on %s with the shipped config:\n%s", addr, log.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		exited = true
		if err != nil {
			t.Fatalf("daemon exit after SIGTERM: %v\n%s", err, log.String())
		}
	case <-time.After(20 * time.Second): // the unit's TimeoutStopSec
		t.Fatalf("daemon still running 20s after SIGTERM:\n%s", log.String())
	}
}
