#!/bin/sh
# make deb: the Debian package, built from a copy of this checkout (dpkg-buildpackage
# writes beside the source tree, so not beside the checkout), then lintian on it, which
# must pass (overrides, each explained: debian/vnode.lintian-overrides).
# Usage: debian/make-deb.sh OUTDIR   (leaves OUTDIR/vnode_VERSION_ARCH.deb)
set -eu
out=$1
cd "$(dirname "$0")/.."
need="debhelper lintian dpkg-dev fakeroot musl-tools libcap-dev libmnl-dev libblkid-dev"
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deb: installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing ||
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing; }
fi
version=$(dpkg-parsechangelog -S Version)
rm -rf "$out" && mkdir -p "$out/src"
src=$out/src/vnode-$version
mkdir "$src"
tar -c --exclude=./build --exclude=./.git . | tar -x -C "$src"
(cd "$src" && dpkg-buildpackage -b -us -uc >"../build.log" 2>&1) ||
	{ tail -20 "$out/src/build.log"; echo "deb: dpkg-buildpackage failed (log: $out/src/build.log)"; exit 1; }
mv "$out"/src/vnode_"$version"_*.deb "$out"/
deb=$(ls "$out"/vnode_"$version"_*.deb)
lintian --fail-on error,warning --info "$deb"
echo "deb: $deb, lintian-clean"
