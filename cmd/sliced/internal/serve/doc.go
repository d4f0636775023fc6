// Package serve is `sliced serve`, the long-running daemon: it loads the
// engine and the configured backends, runs one pipeline per frame source,
// and serves the HTTP API, the metrics and the live view on one listener.
//
// Lifecycle: READY=1 goes to systemd once the engine is loaded and the API
// listens; WATCHDOG=1 is sent at half of $WATCHDOG_USEC only while the
// pipelines make progress (or no source is configured); SIGHUP re-reads the
// configuration and the engine, and a bad new engine or configuration
// leaves the old one serving (logged, and counted in
// sliced_engine_reloads_total{result="error"}); SIGTERM sends STOPPING=1
// and drains in-flight requests within timeouts.shutdown.
//
// The bearer token of mutating endpoints is read from token_file, else
// from $CREDENTIALS_DIRECTORY/token (systemd's LoadCredential=token:...).
package serve
