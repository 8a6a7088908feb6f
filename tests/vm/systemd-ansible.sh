#!/bin/sh
# In the --systemd VM: contrib/ansible's example playbook (site.yml, the vnode role) run
# against the VM itself (-c local) from an inventory of three vnodes. It installs the
# package (make deb), boots the vnodes as vnode@ units with their configs, bridge, address
# and limits; a second run changes nothing; one set absent is halted, disabled and its
# config removed, one whose limit changed boots again with it, the third is left alone;
# and a fourth run changes nothing. Vnodes (in /opt/sub): an-1, an-2, an-3; bridge br-an.
. "$(dirname "$0")/../integration/lib.sh"
export VNODE_HOME=/opt/sub ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false
CG=$(cgroup2_mount)
deb=$(ls "$B"/deb/vnode_*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ] || ! command -v ansible-playbook >/dev/null; then
	fail ansible_and_the_deb_are_there "no $B/deb/vnode_*.deb (make deb) or no ansible-playbook"
	finish
fi
at_exit 'for n in an-1 an-2 an-3; do systemctl disable --now vnode@$n 2>/dev/null; done; ip link del br-an 2>/dev/null'
make_busybox_root /opt/an-base
ip link add br-an type bridge && ip addr add 10.77.0.1/24 dev br-an && ip link set br-an up
check the_test_bridge_is_made ip link show br-an >/dev/null

# inventory AN3-STATE AN2-MEMORY-MAX: localhost as the one host of vnode_hosts
inventory() {
	cat <<INV
vnode_hosts:
  hosts:
    localhost:
      ansible_connection: local
      ansible_python_interpreter: /usr/bin/python3
      ansible_become: false
      vnode_deb: $deb
      vnodes:
        - name: an-1
          base: /opt/an-base
          bridges: ["br-an:"]
          addrs: [eth0:10.77.0.2/24]
          pids_max: 100
        - name: an-2
          base: /opt/an-base
          network: none
          memory_max: $2
        - name: an-3
          state: $1
          base: /opt/an-base
          network: none
          settings: { STOP_TIMEOUT: 5 }
INV
}
# play N: site.yml with inventory N (made before), its output in $T/play.N
play() {
	ansible-playbook -i "$T/inv.$1.yml" "$TOP/contrib/ansible/site.yml" >"$T/play.$1" 2>&1
}
unchanged() { grep -Eq "^localhost +: ok=[0-9]+ +changed=0 .*failed=0" "$T/play.$1"; }
init() { vnode status "$1" | sed -n 's/^init: *\([0-9]*\).*/\1/p'; }

inventory started 64M >"$T/inv.1.yml"
play 1
check the_first_run_succeeds [ $? = 0 ]
grep -E "^localhost +:" "$T/play.1" | sed 's/^/# first run: /'
grep -E "^(fatal|failed):" -A3 "$T/play.1" | head -20
for v in an-1 an-2 an-3; do
	check "$v"_is_started [ "$(systemctl is-active "vnode@$v")" = active ]
	check "$v"_is_enabled systemctl -q is-enabled "vnode@$v"
done
check an_1_has_its_address busybox ping -q -c 1 -W 10 10.77.0.2 >/dev/null
check an_1_has_its_pids_max grep -qx 100 "$CG/machine.slice/vnode@an-1.service/an-1/pids.max"
check an_2_has_its_memory_max grep -qx 67108864 "$CG/machine.slice/vnode@an-2.service/an-2/memory.max"
check an_3_has_its_setting grep -qx STOP_TIMEOUT=5 /opt/sub/an-3/config
check vnode_target_is_enabled systemctl -q is-enabled vnode.target
cp "$T/inv.1.yml" "$T/inv.2.yml"
play 2
check the_second_run_changes_nothing unchanged 2
grep -E "^(changed):" "$T/play.2" | head -5

an1=$(init an-1) an2=$(init an-2)
inventory absent 96M >"$T/inv.3.yml"
play 3
check the_third_run_succeeds [ $? = 0 ]
check an_3_absent_is_halted [ "$(systemctl is-active vnode@an-3)" = inactive ]
check and_disabled sh -c '! systemctl -q is-enabled vnode@an-3'
check and_its_config_removed [ ! -e /opt/sub/an-3/config ]
check and_nothing_left_of_it nothing_left_of an-3
check an_2_changed_boots_again [ -n "$an2" -a "$(init an-2)" != "$an2" ]
check with_its_new_limit grep -qx 100663296 "$CG/machine.slice/vnode@an-2.service/an-2/memory.max"
check an_1_unchanged_is_left_alone [ -n "$an1" -a "$(init an-1)" = "$an1" ]
cp "$T/inv.3.yml" "$T/inv.4.yml"
play 4
check the_fourth_run_changes_nothing unchanged 4
finish
