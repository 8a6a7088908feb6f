# Sourced: SUITE and MIRROR, what this machine's apt uses (deb822 sources first, then
# sources.list), unless set in the environment. For debootstrap.
apt_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && sed -n 's/^URIs: *\([^ ]*\).*/\1/p' "$f"
	done | grep -v -e security -e '^$' | head -n 1
	[ -f /etc/apt/sources.list ] &&
		sed -n 's/^deb  *\(\[[^]]*\]  *\)\{0,1\}\([^ ]*\) .*/\2/p' /etc/apt/sources.list |
		grep -v security | head -n 1
}
SUITE=${SUITE:-$(. /etc/os-release && echo "$VERSION_CODENAME")}
MIRROR=${MIRROR:-$(apt_mirror | head -n 1)}
