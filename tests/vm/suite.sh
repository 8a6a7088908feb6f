#!/bin/sh
# make test-vm, inside the VM (tests/vm/run.sh): the integration suite on Debian's kernel.
# A check that cannot pass on this kernel skips with the reason; a FAIL is a bug. The
# lint of the scripts is the host lane's (make test). Loops of many boots or execs run a
# fifth of their rounds (rounds in lib.sh): every check runs, the counts are smaller.
echo "vm: $(uname -sr), cgroup: $(stat -f -c %T /sys/fs/cgroup), $(nproc) CPUs (TCG)"
LINT=0 VNODE_TEST_ROUNDS=${VNODE_TEST_ROUNDS:-20} sh tests/run.sh integration
