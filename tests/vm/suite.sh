#!/bin/sh
# Inside the VM (tests/vm/run.sh): integration scripts on Debian's kernel, all of them, or
# the FILEs given (tests/vm/lane.sh splits the suite between two VMs). A check that
# cannot pass on this kernel skips with the reason; a FAIL is a bug. The lint of the
# scripts is the host lane's (make test). Loops of many boots or execs run a fifth of
# their rounds (rounds in lib.sh): every check runs, the counts are smaller.
echo "vm: $(uname -sr), cgroup: $(stat -f -c %T /sys/fs/cgroup), $(nproc) CPU(s) (TCG)"
export LINT=0 VNODE_TEST_ROUNDS=${VNODE_TEST_ROUNDS:-20}
[ $# -gt 0 ] || exec sh tests/run.sh integration
r=0
for f; do sh tests/run.sh integration "/$f" || r=1; done
exit $r
