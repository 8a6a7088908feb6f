#!/bin/sh
# rc/rc and rc/rc.shutdown in a busybox root, run by chroot inside fresh uts, net and mount
# namespaces (so the hostname, the interfaces and the mounts vanish with them): fstab mounted,
# hostname set, interfaces configured, services started in order and stopped in reverse.
. "$(dirname "$0")/lib.sh"

# The rc scripts do not need vinit; a placeholder keeps make_busybox_root happy without it.
if [ ! -f "$B/vinit" ]; then
	mkdir -p "$T/b" && printf '#!/bin/sh\n' >"$T/b/vinit" && B=$T/b
fi

# new_root DIR: a busybox root with the rc scripts and three services, 30-gamma disabled.
new_root() {
	r=$1
	make_busybox_root "$r" 2>"$T/mkroot.err" || return 1
	mkdir -p "$r/etc/rc.d" "$r/etc/network" "$r/var/log" "$r/mnt"
	install -m 755 "$TOP/rc/rc" "$r/etc/rc" &&
		install -m 755 "$TOP/rc/rc.shutdown" "$r/etc/rc.shutdown" || return 1
	for s in 10-alpha 20-beta 30-gamma; do
		printf '#!/bin/sh\necho "$1 %s" >>/var/log/svc\n' "$s" >"$r/etc/rc.d/$s"
		chmod 755 "$r/etc/rc.d/$s"
	done
	chmod 644 "$r/etc/rc.d/30-gamma"
}

# in_ns ROOT SCRIPT: run SCRIPT (sh, on the host side) in new namespaces; inside, R is the
# root and chroot_sh runs a command in it. The namespaces end with the script.
in_ns() {
	R=$1 unshare --uts --net --mount --fork sh -c "chroot_sh() { chroot \"\$R\" /bin/sh -c \"\$1\"; }
$2"
}

# Scenario 1: everything well formed.
R1=$T/r1
new_root "$R1" || { fail rc_root_made "$(cat "$T/mkroot.err")"; finish; }
echo testhost >"$R1/etc/hostname"
cat >"$R1/etc/fstab" <<'EOF'
# device  dir           type   options          dump pass
/dev/vda  /             ext4   defaults         0 1
proc      /proc         proc   defaults         0 0
tmpfs     /mnt/scratch  tmpfs  size=1m,mode=700 0 0
tmpfs     /mnt/later    tmpfs  noauto           0 0
/dev/vdb  /data         ext4   defaults,nofail  0 2
EOF
cat >"$R1/etc/network/ifaces" <<'EOF'
# the loopback is always brought up
iface eth0 addr 10.99.0.2/24 addr 10.99.1.2/24 gw 10.99.0.1 mtu 1400
EOF
in_ns "$R1" '
ip link add eth0 type veth peer name eth0p || exit 1
chroot_sh "/etc/rc" >"$R/rc.out" 2>&1; echo $? >"$R/rc.status"
chroot_sh "/etc/rc" >"$R/rc2.out" 2>&1; echo $? >"$R/rc2.status"
chroot_sh "hostname" >"$R/hostname.out"
chroot_sh "cat /proc/mounts" >"$R/mounts.out"
chroot_sh "ip -o addr show dev eth0; ip -o link show dev eth0; ip -o link show dev lo" >"$R/ip.out"
chroot_sh "ip route" >"$R/route.out"
cp "$R/var/log/svc" "$R/svc.boot"
: >"$R/var/log/svc"
chroot_sh "/etc/rc.shutdown" >"$R/shut.out" 2>&1; echo $? >"$R/shut.status"
' || fail rc_namespace "could not set up the namespace"

check rc_exits_0_when_all_steps_work [ "$(cat "$R1/rc.status")" = 0 ]
[ "$(cat "$R1/rc.status")" = 0 ] || sed 's/^/    /' "$R1/rc.out"
check rc_sets_hostname_from_etc_hostname [ "$(cat "$R1/hostname.out")" = testhost ]
check rc_mounts_fstab_tmpfs_with_options grep -q '^tmpfs /mnt/scratch tmpfs .*mode=700' "$R1/mounts.out"
check rc_mounts_proc_from_fstab grep -q '^proc /proc proc' "$R1/mounts.out"
check rc_skips_noauto_entries sh -c "! grep -q ' /mnt/later ' '$R1/mounts.out'"
check rc_skips_absent_nofail_device grep -q '/data: /dev/vdb absent, skipped' "$R1/rc.out"
check rc_run_twice_mounts_nothing_twice [ "$(grep -c ' /mnt/scratch ' "$R1/mounts.out")" = 1 ]
check rc_run_twice_exits_0 [ "$(cat "$R1/rc2.status")" = 0 ]
check rc_adds_every_address grep -q 'inet 10.99.0.2/24' "$R1/ip.out"
check rc_adds_second_address grep -q 'inet 10.99.1.2/24' "$R1/ip.out"
check rc_sets_mtu grep -q 'eth0.*mtu 1400' "$R1/ip.out"
check rc_brings_interface_up grep -q 'eth0.*<.*UP.*>' "$R1/ip.out"
check rc_brings_loopback_up grep -q 'lo:.*<.*UP.*>' "$R1/ip.out"
check rc_sets_default_route grep -q 'default via 10.99.0.1 dev eth0' "$R1/route.out"
check rc_starts_services_in_order [ "$(head -n 2 "$R1/svc.boot" | tr '\n' ' ')" = "start 10-alpha start 20-beta " ]
check rc_skips_non_executable_service sh -c "! grep -q gamma '$R1/svc.boot'"
check rc_shutdown_stops_in_reverse_order [ "$(tr '\n' ' ' <"$R1/var/log/svc")" = "stop 20-beta stop 10-alpha " ]
check rc_shutdown_exits_0 [ "$(cat "$R1/shut.status")" = 0 ]

# Scenario 2: a failing mount, a missing interface, a failing service: rc reports each,
# goes on with the rest and exits 1.
R2=$T/r2
new_root "$R2" || { fail rc_root_made "$(cat "$T/mkroot.err")"; finish; }
printf '#!/bin/sh\nexit 3\n' >"$R2/etc/rc.d/15-broken" && chmod 755 "$R2/etc/rc.d/15-broken"
echo "nosuchfs /mnt/bad nosuchfs defaults 0 0" >"$R2/etc/fstab"
echo "iface eth9 addr 10.99.2.2/24" >"$R2/etc/network/ifaces"
in_ns "$R2" '
chroot_sh "/etc/rc" >"$R/rc.out" 2>&1; echo $? >"$R/rc.status"
chroot_sh "/etc/rc.shutdown" >"$R/shut.out" 2>&1; echo $? >"$R/shut.status"
' || fail rc_namespace "could not set up the namespace"
check rc_exits_1_when_a_step_fails [ "$(cat "$R2/rc.status")" = 1 ]
check rc_reports_failed_mount grep -q 'rc: /mnt/bad: mount' "$R2/rc.out"
check rc_reports_missing_interface grep -q 'rc: eth9: no such interface' "$R2/rc.out"
check rc_reports_failed_service grep -q 'rc: 15-broken: start failed (status 3)' "$R2/rc.out"
check rc_goes_on_after_failed_service grep -q 'start 20-beta' "$R2/var/log/svc"
check rc_shutdown_exits_1_when_a_stop_fails [ "$(cat "$R2/shut.status")" = 1 ]
check rc_shutdown_goes_on_after_failed_stop grep -q 'stop 10-alpha' "$R2/var/log/svc"
finish
