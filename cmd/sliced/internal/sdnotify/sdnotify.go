package sdnotify

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// Notifier sends state changes to systemd. The zero value (no socket)
// ignores them. Safe for concurrent use.
type Notifier struct {
	addr *net.UnixAddr
}

// FromEnv reads $NOTIFY_SOCKET.
func FromEnv() *Notifier {
	return New(os.Getenv("NOTIFY_SOCKET"))
}

// New makes a notifier for socket path (empty: no-op).
func New(path string) *Notifier {
	if path == "" {
		return &Notifier{}
	}
	name := path
	if path[0] == '@' {
		name = "\x00" + path[1:]
	}
	return &Notifier{addr: &net.UnixAddr{Name: name, Net: "unixgram"}}
}

// Enabled reports whether a socket is configured.
func (n *Notifier) Enabled() bool { return n.addr != nil }

// Send sends one state string, e.g. "READY=1" or "STATUS=serving".
func (n *Notifier) Send(state string) error {
	if n.addr == nil {
		return nil
	}
	c, err := net.DialUnix("unixgram", nil, n.addr)
	if err != nil {
		return fmt.Errorf("sd_notify: %w", err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(state)); err != nil {
		return fmt.Errorf("sd_notify: %w", err)
	}
	return nil
}

// WatchdogInterval is half of $WATCHDOG_USEC when the watchdog is meant for
// this process ($WATCHDOG_PID unset or ours), else 0.
func WatchdogInterval() time.Duration {
	return watchdogInterval(os.Getenv("WATCHDOG_USEC"), os.Getenv("WATCHDOG_PID"), os.Getpid())
}

func watchdogInterval(usec, pid string, self int) time.Duration {
	if pid != "" && pid != strconv.Itoa(self) {
		return 0
	}
	us, err := strconv.ParseInt(usec, 10, 64)
	if err != nil || us <= 0 {
		return 0
	}
	return time.Duration(us) * time.Microsecond / 2
}

// Watchdog sends WATCHDOG=1 every interval while healthy returns true,
// until ctx is done. healthy is asked once per interval.
func (n *Notifier) Watchdog(ctx context.Context, interval time.Duration, healthy func() bool) {
	if interval <= 0 || n.addr == nil {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if healthy() {
				n.Send("WATCHDOG=1")
			}
		}
	}
}

// Progress is a health check for Watchdog: healthy while count() grows
// between calls, or while idle() says no progress is expected.
func Progress(count func() uint64, idle func() bool) func() bool {
	var last uint64
	first := true
	return func() bool {
		c := count()
		moved := first || c != last
		first, last = false, c
		return moved || idle()
	}
}
