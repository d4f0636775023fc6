#!/bin/sh
# sliced postrm: on purge, drop the token, the enrolled engines and any enable
# link left behind. The config file is dpkg's conffile and goes by itself.
set -e
root=${DPKG_ROOT:-}
if [ "$1" = purge ]; then
	rm -f "$root/etc/sliced/token"
	rm -rf "$root/var/lib/sliced"
	rm -f "$root/etc/systemd/system/multi-user.target.wants/sliced.service"
	if [ -z "$root" ] && [ -d /run/systemd/system ]; then
		systemctl daemon-reload || true
	fi
fi
exit 0
