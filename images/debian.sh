#!/bin/sh
# debian.sh [OUTDIR]: a Debian minbase root (default build/debian-root) made by debootstrap,
# with vinit as PID 1 running Debian's own boot: /etc/init.d/rcS, then `rc 2` (sysv-rc,
# initscripts); at shutdown `rc 0` or `rc 6`. Debian's poweroff, halt and shutdown -r now
# reach vinit through /run/initctl. Takes minutes and needs the Debian mirror; not in `make test`.
#
# Environment: VINIT (default build/vinit), SUITE (default this machine's release), MIRROR
# (default this machine's first apt source), INCLUDE (extra packages, comma-separated).
# An OUTDIR already bootstrapped is only re-customised (vinit, links), unless FRESH=1.
# Exit status: 0 built, 1 a step failed, 2 usage error or missing input.
set -eu
umask 022
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$HERE")
VINIT=${VINIT:-$TOP/build/vinit}
out=${1:-$TOP/build/debian-root}
[ $# -le 1 ] || { echo "usage: $0 [OUTDIR]" >&2; exit 2; }
die() { echo "debian.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || { echo "debian.sh: needs root (debootstrap, chroot)" >&2; exit 2; }
[ -x "$VINIT" ] || { echo "debian.sh: $VINIT is missing (make build/vinit)" >&2; exit 2; }

. "$HERE/apt-source.sh"
[ -n "$SUITE" ] && [ -n "$MIRROR" ] || die "cannot tell the suite or mirror: set SUITE= and MIRROR="

if ! command -v debootstrap >/dev/null 2>&1; then
	echo "debian.sh: installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap ||
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends debootstrap; } || die "cannot install debootstrap"
fi

# sysvinit-core brings the tools (halt, poweroff, shutdown, telinit); vinit replaces its init.
PKGS=sysvinit-core,sysv-rc,initscripts,sysvinit-utils,iproute2,procps,busybox${INCLUDE:+,$INCLUDE}
if [ "${FRESH:-0}" = 1 ] || [ ! -f "$out/.vnode-debootstrapped" ]; then
	rm -rf "$out.tmp"
	mkdir -p "$(dirname "$out")"
	echo "debian.sh: debootstrap --variant=minbase $SUITE from $MIRROR (minutes)"
	debootstrap --variant=minbase --include="$PKGS" "$SUITE" "$out.tmp" "$MIRROR" \
		>"$out.log" 2>&1 || die "debootstrap failed, see $out.log"
	rm -rf "$out"
	mv "$out.tmp" "$out"
	touch "$out/.vnode-debootstrapped"
fi

# vinit as PID 1. sysvinit's shutdown ends by running `/sbin/init 0` as telinit, so the
# sysvinit binary stays (diverted) for that; /sbin/init picks by whether it is PID 1.
if [ ! -e "$out/sbin/init.sysvinit" ]; then
	chroot "$out" dpkg-divert --local --rename --divert /sbin/init.sysvinit --add /sbin/init \
		>/dev/null || die "dpkg-divert /sbin/init failed"
fi
install -m 755 "$VINIT" "$out/sbin/vinit"
rm -f "$out/sbin/init"
cat >"$out/sbin/init" <<'EOF'
#!/bin/sh
# PID 1 is vinit; anything else calling init (shutdown runs `init 0`) is telinit.
[ "$$" = 1 ] && exec /sbin/vinit "$@"
exec /sbin/init.sysvinit "$@"
EOF
chmod 755 "$out/sbin/init"

# vinit signals, kills and unmounts after `rc 0|6`; Debian's own scripts for that would
# reboot(2) or unmount the root under it. update-rc.d (insserv) also rewrites the .depend
# files that startpar runs `rc` from; dependents go first.
for s in halt reboot umountroot umountfs umountnfs.sh sendsigs hwclock.sh; do
	[ ! -e "$out/etc/init.d/$s" ] ||
		chroot "$out" update-rc.d -f "$s" remove >/dev/null || die "update-rc.d -f $s remove failed"
done
# No /etc/rc: vinit would prefer it to Debian's rcS.
rm -f "$out/etc/rc" "$out/etc/rc.shutdown"

echo debian-vnode >"$out/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tdebian-vnode\n' >"$out/etc/hosts"
printf '# the root is mounted by the vnode launcher\n' >"$out/etc/fstab"
rm -f "$out"/var/cache/apt/archives/*.deb
echo "debian.sh: $out ready ($(du -sm "$out" | cut -f1) MiB)"
