#!/bin/sh
# sliced postinst: user, folders, API token, and the service enabled and
# (re)started. DPKG_ROOT is set when dpkg installs into another root without
# chroot (dpkg --root DIR --force-script-chrootless); every step honours it.
set -e

root=${DPKG_ROOT:-}

if [ "$1" = configure ]; then
	if command -v systemd-sysusers >/dev/null 2>&1; then
		systemd-sysusers --root="${root:-/}" "$root/usr/lib/sysusers.d/sliced.conf"
	elif ! getent passwd sliced >/dev/null 2>&1; then
		# Without systemd-sysusers (old systems): the same user by hand.
		adduser --system --group --home /var/lib/sliced --no-create-home sliced
		for g in video gpio i2c; do
			getent group "$g" >/dev/null 2>&1 && adduser sliced "$g" || true
		done
	fi
	if command -v systemd-tmpfiles >/dev/null 2>&1; then
		systemd-tmpfiles --root="${root:-/}" --create "$root/usr/lib/tmpfiles.d/sliced.conf"
	fi

	# The bearer token of the mutating API endpoints, made once, root only: the
	# unit hands it to the service as a credential.
	token="$root/etc/sliced/token"
	if [ ! -e "$token" ]; then
		old=$(umask)
		umask 077
		od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$token"
		echo >>"$token"
		umask "$old"
		echo "sliced: API token written to /etc/sliced/token"
	fi

	if command -v systemctl >/dev/null 2>&1; then
		if [ -n "$root" ]; then
			systemctl --root="$root" enable sliced.service
		else
			systemctl enable sliced.service
			if [ -d /run/systemd/system ]; then
				systemctl daemon-reload
				systemctl restart sliced.service || echo "sliced: service did not start: journalctl -u sliced" >&2
			fi
		fi
	fi
fi
exit 0
