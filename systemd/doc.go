// Package systemd holds the files that run sliced as a system service, and the
// tests that check them with systemd's own tools:
//
//   - sliced.service: Type=notify with a watchdog (the daemon sends READY=1 once
//     the engine is loaded and the API listens, WATCHDOG=1 only while its
//     pipeline makes progress, STOPPING=1 on shutdown), Restart=on-failure, the
//     system user "sliced" with the video, gpio and i2c groups, the state folder
//     /var/lib/sliced for enrolled engines, the config folder /etc/sliced, and
//     the API token passed as the credential "token". Device access is limited
//     to cameras, GPIO chips and I2C buses; `systemd-analyze security` rates the
//     unit at an exposure of 1.5 (the test fails above 2.5).
//   - sliced.sysusers and sliced.tmpfiles: the user, its groups and the folders.
//   - sliced.yaml: the default configuration, installed as /etc/sliced/sliced.yaml.
//   - examples/: a Prometheus scrape config with recording and alerting rules,
//     and a Grafana dashboard (latency p50/p99 per backend, stage latency,
//     frames per second, drops, reconnects, compare mode, power), and
//     prometheus-graphs.png: Debian's Prometheus 2.42 with these files scraping
//     `sliced serve` on the demo images at 30 frames/s with fullcnn compared
//     on every 5th frame (end-to-end p50/p99 of the sliced engine, inference
//     p99 of sliced against fullcnn).
//
// Local changes belong in a drop-in (`systemctl edit sliced`). Two common ones:
// listening on the network needs only `listen: 0.0.0.0:8080` in the config; the
// CUDA backend on a Jetson needs its GPU device nodes:
//
//	[Service]
//	DeviceAllow=/dev/nvhost-ctrl rw
//	DeviceAllow=/dev/nvhost-ctrl-gpu rw
//	DeviceAllow=/dev/nvhost-prof-gpu rw
//	DeviceAllow=/dev/nvmap rw
//	DeviceAllow=/dev/nvhost-gpu rw
//	DeviceAllow=/dev/nvhost-as-gpu rw
//	MemoryDenyWriteExecute=no
//
// Older systemd (the Jetson Nano's Ubuntu 18.04 has systemd 237) ignores the
// hardening keys it does not know, with a warning, and has no LoadCredential=
// (systemd 247). There, give the daemon the token file itself:
//
//	chgrp sliced /etc/sliced/token && chmod 0640 /etc/sliced/token
//	# /etc/sliced/sliced.yaml
//	token_file: /etc/sliced/token
//
// The package has no Go API; it exists so that `go test ./systemd/` checks the
// files.
package systemd
