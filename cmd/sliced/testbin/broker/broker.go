// Package broker runs Debian's mosquitto and mosquitto_sub for tests
// that check what the daemon publishes over MQTT: a broker of the test's
// own on a free port, which can be stopped and started again on it, and
// subscribers with persistent sessions.
package broker

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/testbin/needs"
)

// Commands returns the paths of mosquitto, mosquitto_sub and
// mosquitto_passwd, or ends t with needs.Missing.
func Commands(t *testing.T) (broker, sub, passwd string) {
	t.Helper()
	find := func(name string) string {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		if p := "/usr/sbin/" + name; fileExists(p) {
			return p
		}
		needs.Missing(t, "mosquitto", name+" not installed (apt-get install mosquitto mosquitto-clients)")
		return ""
	}
	return find("mosquitto"), find("mosquitto_sub"), find("mosquitto_passwd")
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Broker is a mosquitto of the test's own, with its state in dir so a
// restart keeps sessions and their queued messages.
type Broker struct {
	t    *testing.T
	bin  string
	conf string
	Port int
	cmd  *exec.Cmd
}

func Start(t *testing.T, bin string, extra string) *Broker {
	dir := t.TempDir()
	b := &Broker{t: t, bin: bin, Port: freePort(t), conf: filepath.Join(dir, "mosquitto.conf")}
	// Run as root, mosquitto would change to its own user, who cannot
	// read the test's files.
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf("user %s\nlistener %d 127.0.0.1\npersistence true\npersistence_location %s/\nmax_queued_messages 0\nlog_dest file %s/mosquitto.log\n",
		u.Username, b.Port, dir, dir)
	if !strings.Contains(extra, "allow_anonymous") {
		conf += "allow_anonymous true\n"
	}
	if err := os.WriteFile(b.conf, []byte(conf+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Start()
	t.Cleanup(b.Stop)
	return b
}

func (b *Broker) Start() {
	b.t.Helper()
	b.cmd = exec.Command(b.bin, "-c", b.conf)
	if err := b.cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprint("127.0.0.1:", b.Port)); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatal("mosquitto does not listen")
		}
	}
}

// Stop ends the broker with SIGTERM, which saves its state.
func (b *Broker) Stop() {
	if b.cmd == nil {
		return
	}
	b.cmd.Process.Signal(syscall.SIGTERM)
	b.cmd.Wait()
	b.cmd = nil
}

// Line is one message mosquitto_sub printed.
type Line struct {
	Retained bool
	Topic    string
	Payload  string
}

// Subscriber runs mosquitto_sub with a persistent session (-c) at QoS 1,
// so what is published while it is away waits for it at the broker.
type Subscriber struct {
	cmd   *exec.Cmd
	lines chan Line
}

func Subscribe(t *testing.T, bin string, port int, id, topic string, args ...string) *Subscriber {
	t.Helper()
	a := append([]string{"-h", "127.0.0.1", "-p", fmt.Sprint(port), "-i", id, "-c", "-q", "1", "-t", topic, "-F", "%r %t %p"}, args...)
	cmd := exec.Command(bin, a...)
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Subscriber{cmd: cmd, lines: make(chan Line, 100000)}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			r, rest, _ := strings.Cut(sc.Text(), " ")
			topic, payload, _ := strings.Cut(rest, " ")
			s.lines <- Line{Retained: r == "1", Topic: topic, Payload: payload}
		}
		close(s.lines)
	}()
	t.Cleanup(s.Stop)
	return s
}

func (s *Subscriber) Stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
}

// Until reads lines until ok says done or d passes.
func (s *Subscriber) Until(d time.Duration, ok func(Line) bool) bool {
	timeout := time.After(d)
	for {
		select {
		case l, open := <-s.lines:
			if !open {
				return false
			}
			if ok(l) {
				return true
			}
		case <-timeout:
			return false
		}
	}
}
