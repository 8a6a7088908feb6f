#!/bin/sh
# make test-vm: tests/vm/run.sh itself (SCRIPT's output and status come out of the VM; a
# missing SCRIPT is one line and 125; nothing is left on the host; --systemd reaches
# multi-user.target with systemd as PID 1, its image made once; the package, its units, a
# reboot of enabled vnodes and the Ansible role there), then the boot figure
# under TCG beside this host's, then the integration suite inside (suite.sh), split
# between two VMs of one CPU each that run at once: emulation is one host thread per CPU,
# and one suite keeps barely more than one busy.
. "$(dirname "$0")/../integration/lib.sh"
R=$TOP/tests/vm/run.sh
printf 'echo out-of-the-vm; exit 7\n' >"$T/seven.sh"
sh "$R" "$T/seven.sh" >"$T/seven.out" 2>&1
r=$?
check vm_gives_the_scripts_status [ "$r" = 7 ]
check vm_gives_the_scripts_output grep -qx out-of-the-vm "$T/seven.out"
sed -n 's/^vm: .*SCRIPT starts/# default mode: SCRIPT starts/p' "$T/seven.out"
expect vm_missing_script 125 "no such script" sh "$R" "$T/absent.sh"
# nothing_on_host: no qemu, no run directory of tests/vm/run.sh.
nothing_on_host() {
	if pgrep -x qemu-system-x86 >/dev/null || ls -d /tmp/vnode-vm.* >/dev/null 2>&1; then return 1; fi
}
check vm_leaves_nothing_on_the_host nothing_on_host
sh "$R" --systemd "$TOP/tests/vm/systemd-check.sh" >"$T/systemd.out" 2>&1
r=$?
sed -n 's/^vm: .*SCRIPT starts/# --systemd: SCRIPT starts/p; s/^pid 1:/# --systemd: pid 1:/p' "$T/systemd.out"
check vm_systemd_boots_to_multi_user [ "$r" = 0 ]
sh "$R" --systemd "$TOP/tests/vm/systemd-cgroup.sh" >"$T/sdcg.out" 2>&1
r=$?
sed -n 's/^/# --systemd cgroups: /p' "$T/sdcg.out" | grep -v '\] reboot: '
check vm_systemd_leaves_the_vnodes_cgroups_alone [ "$r" = 0 ]
make -s -C "$TOP" deb >"$T/deb.out" 2>&1
check make_deb_is_lintian_clean grep -q "lintian-clean" "$T/deb.out"
sh "$R" --systemd "$TOP/tests/vm/systemd-units.sh" >"$T/sdun.out" 2>&1
r=$?
sed -n 's/^/# vnode@.service: /p' "$T/sdun.out" | grep -v '\] reboot: '
check vm_vnode_units_start_stop_and_fail_as_systemd_sees_them [ "$r" = 0 ]
VM_REBOOT=1 sh "$R" --systemd "$TOP/tests/vm/systemd-reboot.sh" >"$T/sdrb.out" 2>&1
r=$?
sed -n 's/^/# enabled vnodes over a reboot: /p' "$T/sdrb.out" | grep -v '\] reboot: '
check vm_enabled_vnodes_are_up_after_the_hosts_reboot [ "$r" = 0 ]
sh "$R" --systemd "$TOP/tests/vm/systemd-ansible.sh" >"$T/sdan.out" 2>&1
r=$?
sed -n 's/^/# the Ansible role: /p' "$T/sdan.out" | grep -v '\] reboot: '
check vm_the_ansible_role_declares_vnodes_idempotently [ "$r" = 0 ]
sh "$R" --systemd "$TOP/tests/vm/systemd-inside.sh" >"$T/sdin.out" 2>&1
r=$?
sed -n 's/^/# systemd inside a vnode: /p' "$T/sdin.out" | grep -v '\] reboot: '
check vm_a_vnode_runs_systemd_in_its_delegated_cgroup [ "$r" = 0 ]
host=$(sh "$TOP/tests/vm/bootfig.sh")
vm=$(sh "$R" "$TOP/tests/vm/bootfig.sh" | grep -E '^[0-9.]+ [0-9.]+ [0-9.]+$' | tail -1)
echo "# vnode boot -f, busybox root, median ms: host $host; TCG VM $vm; ratio $(echo "$host $vm" |
	awk '{ if ($1 > 0) printf "%.0fx", $4 / $1 }')"
i=0 half1="" half2=""
for f in "$TOP"/tests/integration/*.sh; do
	case "$f" in */lib.sh) continue ;; esac
	i=$((i + 1))
	if [ $((i % 2)) = 1 ]; then half1="$half1 ${f##*/}"; else half2="$half2 ${f##*/}"; fi
done
# shellcheck disable=SC2086 # one word per file
VM_CPUS=1 sh "$R" "$TOP/tests/vm/suite.sh" $half1 >"$T/half1" 2>&1 &
p1=$!
# shellcheck disable=SC2086
VM_CPUS=1 sh "$R" "$TOP/tests/vm/suite.sh" $half2 >"$T/half2" 2>&1
r2=$?
wait $p1
r1=$?
cat "$T/half1" "$T/half2"
check vm_integration_suite_first_half_passes [ "$r1" = 0 ]
check vm_integration_suite_second_half_passes [ "$r2" = 0 ]
check vm_leaves_nothing_after_the_suite nothing_on_host
cat "$T/half1" "$T/half2" | awk '/^integration .*passed,/ { p += $3; f += $5; s += $7; n++ }
	END { printf "# inside: %d scripts, %d checks passed, %d failed, %d skipped\n", n, p, f, s }'
finish
