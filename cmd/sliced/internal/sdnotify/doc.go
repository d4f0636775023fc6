// Package sdnotify speaks systemd's notify protocol in pure Go: datagrams
// such as READY=1, WATCHDOG=1 and STOPPING=1 sent to the unix socket named
// by $NOTIFY_SOCKET (an "@" prefix means Linux's abstract namespace).
// Without $NOTIFY_SOCKET every call is a no-op, so the daemon runs the same
// under systemd and outside it.
//
// Watchdog pings at half of $WATCHDOG_USEC, but only while a health check
// passes: when the pipeline stops making progress the pings stop and
// systemd restarts the service.
package sdnotify
