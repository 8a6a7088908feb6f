#!/bin/sh
# make demo: build two bootable disk images, boot them as vnodes on a bridge of
# their own, show them working, halt one from inside and one from outside, and
# show that nothing is left behind. Leaves the host as it found it.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
PATH=$TOP/build:$PATH
VNODE=vnode
BR=vnodedemo$$
BR=$(printf '%.15s' "$BR")
WORK=$(mktemp -d /tmp/vnode-demo.XXXXXX)
export VNODE_HOME=$WORK/home
NET=10.77.0
t0=$(date +%s%N)

step() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
fail() { echo "demo: FAILED: $*" >&2; exit 1; }
cleanup() {
	for n in demo1 demo2; do "$VNODE" kill "$n" >/dev/null 2>&1; done
	ip link del "$BR" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

[ "$(id -u)" = 0 ] || fail "run as root"
step "building two disk images (GPT, ext4 root + data partition, busybox + vinit)"
mkdir -p "$VNODE_HOME/demo1" "$VNODE_HOME/demo2"
for i in 1 2; do
	sh "$TOP/images/mkimage.sh" --hostname "demo$i" --net "eth0:$NET.$((i + 1))/24" \
		"$WORK/demo$i.raw" >/dev/null || fail "image demo$i"
	cat >"$VNODE_HOME/demo$i/config" <<CONF
# demo vnode $i: root from partition 1 of its disk image, data from partition 2
DISKS=( vda:1:$WORK/demo$i.raw vdb:2:$WORK/demo$i.raw )
BRIDGES=( $BR: )
CONF
done
ls -l "$WORK"/*.raw | awk '{ print "  " $NF ": " $5 " bytes" }'

step "a bridge of our own: $BR"
run ip link add "$BR" type bridge || fail "bridge"
run ip link set "$BR" up || fail "bridge up"

# rc_done NAME OFFSET: waits (tail -f follows the console log by inotify) for this
# boot's "rc: done", the line rc prints once the network and services are set up;
# `vnode boot` returns earlier, as soon as rc has started.
rc_done() {
	timeout 10 tail -c "+$(($2 + 1))" -f "/var/log/vnode/$1.log" | grep -q -m 1 '^rc: done' ||
		fail "$1: rc did not finish (see /var/log/vnode/$1.log)"
}
logsize() { stat -c %s "/var/log/vnode/$1.log" 2>/dev/null || echo 0; }

step "booting both vnodes"
tb=$(date +%s%N)
off1=$(logsize demo1) off2=$(logsize demo2)
run "$VNODE" boot demo1 demo2 || fail "boot"
echo "  (both up in $(( ($(date +%s%N) - tb) / 1000000 )) ms)"
rc_done demo1 "$off1"
rc_done demo2 "$off2"
echo "  (their rc done in $(( ($(date +%s%N) - tb) / 1000000 )) ms)"
run "$VNODE" list

step "demo1 pings demo2 and fetches a page from its httpd"
run "$VNODE" exec demo1 ping -c 2 -W 2 "$NET.3" || fail "ping"
run "$VNODE" exec demo1 wget -q -O - "http://$NET.3/" || fail "wget"
run "$VNODE" exec demo2 sh -c 'echo "inside $(hostname): $(ip -o -4 addr show eth0 | awk "{print \$4}"), disks: $(ls /dev | grep vd | tr "\n" " ")"'

step "each vnode's data partition is its /data, mounted from its own fstab (/dev/vdb2)"
for i in 1 2; do
	run "$VNODE" exec "demo$i" sh -c 'grep " /data " /proc/mounts && echo "demo data" >/data/hello && cat /data/hello' ||
		fail "demo$i: /data is not mounted"
done

step "halting demo1 from inside (its own poweroff), demo2 from outside"
run "$VNODE" exec demo1 poweroff
run "$VNODE" wait demo1
run "$VNODE" halt demo2 || fail "halt"
run "$VNODE" list

step "nothing is left"
sleep_until_clean() {  # the kernel frees veths and loop devices just after the namespace dies
	i=0
	while [ $i -lt 200 ]; do
		l=$(losetup -a | grep -c "$WORK") v=$(ip -o link show type veth | grep -c "demo[12]")
		m=$(grep -c "$WORK" /proc/self/mountinfo) n=$(ls /run/netns 2>/dev/null | grep -c "demo[12]")
		[ "$l$v$m$n" = 0000 ] && return 0
		i=$((i + 1)); sleep 0.01
	done
	return 1
}
sleep_until_clean
echo "  loop devices: $l, veths: $v, mounts: $m, /run/netns entries: $n"
[ "$l$v$m$n" = 0000 ] || fail "something was left behind"
run ip link del "$BR"

step "summary"
echo "  two vnodes built, booted, networked, served a page and halted in $(( ($(date +%s%N) - t0) / 1000000 )) ms; nothing left behind."
