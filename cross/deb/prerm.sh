#!/bin/sh
# sliced prerm: on remove, stop and disable the service while its unit file is
# still there (on upgrade nothing: the new postinst restarts it).
set -e
root=${DPKG_ROOT:-}
if [ "$1" = remove ] && command -v systemctl >/dev/null 2>&1; then
	if [ -n "$root" ]; then
		systemctl --root="$root" disable sliced.service || true
	else
		[ -d /run/systemd/system ] && systemctl stop sliced.service || true
		systemctl disable sliced.service || true
	fi
fi
exit 0
