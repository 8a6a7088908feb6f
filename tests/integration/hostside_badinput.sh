#!/bin/sh
# Bad input to the launcher: each case exits with status 2 and one line that names the
# problem (no such vnode, a bad name, config syntax with line and column, an unknown key with
# a suggestion, a bad STOP_TIMEOUT, a missing BASE, no root source, vnode-monitor run by
# hand, not root, boot -f with two names, an unknown command), and leaves no runtime file.
# Vnodes: bi-a, bi-c, bi-d.
. "$(dirname "$0")/lib.sh"
vnode_setup

expect bad_no_such_vnode 2 "bi-nosuch: no such vnode" "$V" boot bi-nosuch
expect bad_name 2 "bad vnode name" "$V" boot "bi_a"
expect bad_name_too_long 2 "bad vnode name" "$V" boot "$(printf 'x%.0s' $(seq 60))"
new_vnode bi-c 'DISKS=( $(evil) )'
expect bad_config_syntax_names_line_col 2 "bi-c/config:3:" "$V" boot bi-c
new_vnode bi-c 'BRIDGE=( x )'
expect bad_unknown_key_did_you_mean 2 "did you mean BRIDGES" "$V" boot bi-c
new_vnode bi-c 'STOP_TIMEOUT=soon'
expect bad_stop_timeout 2 "STOP_TIMEOUT" "$V" boot bi-c
printf 'BASE=%s/nonexistent\nNETWORK=none\n' "$T" >"$VNODE_HOME/bi-c/config"
expect bad_missing_base 2 "BASE" "$V" boot bi-c
mkdir -p "$VNODE_HOME/bi-d" && echo 'NETWORK=none' >"$VNODE_HOME/bi-d/config"
expect bad_no_root_source 2 "bi-d/config: no root: set DISKS or BASE" "$V" boot bi-d
expect bad_monitor_by_hand 2 "vnode-monitor: bad monitor argument" "$B/vnode-monitor" --frob=1
new_vnode bi-a
expect bad_not_root 2 "must be run as root" setpriv --reuid 65534 --regid 65534 --clear-groups "$V" boot bi-a
# A config only root can write, since it decides what runs as root.
new_vnode bi-e
chmod 0666 "$VNODE_HOME/bi-e/config"
expect bad_config_writable_by_others 2 "bi-e/config: writable by group or others (mode 0666): not trusted" "$V" boot bi-e
chmod 0644 "$VNODE_HOME/bi-e/config" && chown 1000 "$VNODE_HOME/bi-e/config"
expect bad_config_not_owned_by_root 2 "bi-e/config: owned by uid 1000, not root: not trusted" "$V" boot bi-e
chown 0 "$VNODE_HOME/bi-e/config"
"$V" boot bi-e >/dev/null
check config_owned_by_root_boots [ $? = 0 ]
"$V" halt bi-e >/dev/null
expect bad_boot_f_two_names 2 "boot -f takes one NAME" "$V" boot -f bi-a bi-c
expect bad_unknown_command 2 "unknown command" "$V" frobnicate
check bad_input_left_no_runtime_files none_exist /run/vnode/bi-a.pid /run/vnode/bi-a.state /run/vnode/bi-c.pid /run/vnode/bi-c.state /run/vnode/bi-d.pid /run/vnode/bi-d.state /run/vnode/bi-e.pid
finish
