// Package deb builds and checks the sliced Debian packages. It has no Go API:
// build.sh makes the packages with nfpm (nfpm.yaml, and the maintainer scripts
// postinst.sh, prerm.sh and postrm.sh), and the test inspects them with
// dpkg-deb and installs, removes and purges the amd64 one in a throwaway root.
//
//	cross/deb/build.sh            # dist/deb/sliced_<version>_{amd64,arm64}.deb
//	DEB_DIR=dist/deb go test ./cross/deb/   # check those packages
//
// Without DEB_DIR the test packages a stand-in binary, so it checks the
// packaging without building the daemon.
//
// On a board:
//
//	sudo apt install ./sliced_<version>_arm64.deb
//	systemctl status sliced
//	curl -s localhost:8080/v2/health/ready
//
// The maintainer scripts honour DPKG_ROOT, so `dpkg --root DIR
// --force-script-chrootless -i` installs into an image without chroot (that
// is what the test does). The postinst creates the user (systemd-sysusers),
// the folders (systemd-tmpfiles), a random API token in /etc/sliced/token
// (root only; the unit passes it to the service as a credential), and enables
// and restarts the service. Purging removes the token and /var/lib/sliced.
package deb
