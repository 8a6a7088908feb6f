#!/bin/sh
# make test's 50 rounds of tests/soak/sigkill.sh: SIGKILL of the command, the monitor or
# the init at random points of boot, reboot and halt, each followed by a fresh kill that
# must leave nothing (make soak runs 500).
SIGKILL_ROUNDS=${SIGKILL_ROUNDS:-50} exec sh "$(dirname "$0")/../soak/sigkill.sh"
