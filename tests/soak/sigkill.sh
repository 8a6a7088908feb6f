#!/bin/sh
# make soak: 500 rounds of tests/integration/hostside_sigkill_rounds.sh (SIGKILL_ROUNDS).
SIGKILL_ROUNDS=${SIGKILL_ROUNDS:-500} exec sh "$(dirname "$0")/../integration/hostside_sigkill_rounds.sh"
