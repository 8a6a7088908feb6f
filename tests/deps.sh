#!/bin/sh
# Install the Debian packages the build, the tests and the demo need, when missing, and
# those given as arguments (make check and make fuzz: clang, cppcheck).
# Idempotent: does nothing (and needs no network) when everything is there.
set -eu
PKGS="make gcc musl-tools libcap-dev libcmocka-dev libmnl-dev libblkid-dev busybox-static
      e2fsprogs fdisk iproute2 util-linux file strace tmux jq $*"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root, or: apt-get install$missing)" >&2
	exit 2
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends $missing ||
	{ apt-get update -q && apt-get install -y -q --no-install-recommends $missing; }
