#!/bin/sh
# Lint of the integration and soak scripts: a `check NAME CMD...` or `expect NAME ...` call
# asserts one simple command. In sh, `check n [ a ] && [ b ]` is `(check n [ a ]) && [ b ]`:
# only `a` is asserted, and `b` decides nothing. So a check or expect call may not have a
# top-level `&&`, `||`, `;` or `|` after it on its line, nor end its line with `&&`, `||`, `|`
# or `\` (continuation). "Top level" is the line with its quoted strings ('...', "..."), its
# substitutions ($(...), $((...)), `...`, ${...}) and its comment removed, so that
# `check n sh -c '[ a ] && [ b ]'` (one quoted argument, one command) is fine.
# Function definitions (`check() {`, in lib.sh) are not calls and are skipped.
# Usage: tests/lint.sh [FILE...]   (default: tests/integration/*.sh tests/soak/*.sh)
#        tests/lint.sh --self-test (shows that the lint flags exactly the bad lines of a sample)
set -u
cd "$(dirname "$0")/.." || exit 2

lint() { # FILE...: prints one line per bad call, exits 1 if there is one
	awk '
	function flush(   s, i, c, seg, op, segs, ops, lines, nseg, start, w, rest, k, nm) {
		# split the stripped record into simple commands and the operator after each
		s = rec
		gsub(/>&/, ">_", s); gsub(/<&/, "<_", s); gsub(/>\|/, ">_", s)
		nseg = 0; seg = ""; start = 1
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1); op = ""
			if (substr(s, i, 2) == "&&" || substr(s, i, 2) == "||" || substr(s, i, 2) == ";;") op = substr(s, i, 2)
			else if (c == ";" || c == "|" || c == "&") op = c
			if (op != "") {
				segs[++nseg] = seg; ops[nseg] = op; lines[nseg] = recline[start]
				seg = ""; i += length(op) - 1; start = i + 1
			} else seg = seg c
		}
		segs[++nseg] = seg; ops[nseg] = (cont ? "\\" : ""); lines[nseg] = recline[start]
		for (k = 1; k <= nseg; k++) {
			rest = segs[k]
			if (k == 1 && argpos) continue  # after a `\` continuation: not a command word
			# skip reserved words, grouping and prefix assignments before the command word
			for (;;) {
				sub(/^[ \t({]+/, "", rest)
				if (match(rest, /^(!|then|do|else|elif|if|while|until|time)([ \t]|$)/) ||
				    match(rest, /^[A-Za-z_][A-Za-z0-9_]*=[^ \t]*([ \t]|$)/))
					rest = substr(rest, RLENGTH + 1)
				else break
			}
			if (!match(rest, /^(check|expect)([ \t]|$)/)) continue
			w = substr(rest, 1, RLENGTH); sub(/[ \t]$/, "", w)
			if (substr(rest, RLENGTH + 1) ~ /^[ \t]*\(/) continue  # a definition
			op = ops[k]
			if (k == nseg && op != "\\") continue
			if (op == "&") continue  # backgrounded: still one command
			if (op == ";;") op = ";"
			if (k + 1 == nseg && segs[nseg] ~ /^[ \t]*$/ && !cont)
				why = "line ends with `" op "` (continuation)"
			else if (op == "\\")
				why = "line ends with `\\` (continuation)"
			else
				why = "top-level `" op "` after it"
			nm = raw[lines[k]]
			if (match(nm, w "[ \t]+[^ \t]+")) { nm = substr(nm, RSTART, RLENGTH); sub(/^[a-z]+[ \t]+/, "", nm) }
			else nm = "?"
			gsub(/["\047]/, "", nm)
			printf "%s:%d: %s %s: %s, so it asserts only its first command\n", FILENAME, lines[k], w, nm, why
			bad = 1
		}
		rec = ""; n = 0; argpos = cont; cont = 0
	}
	function emit(c) { rec = rec c; recline[++n] = FNR }
	function push(x) { st[++sp] = x; if (sp == 1) emit("Q") }
	FNR == 1 { sp = 0; rec = ""; n = 0; cont = 0; argpos = 0 }
	{
		raw[FNR] = $0
		line = $0 "\n"
		L = length(line)
		for (i = 1; i <= L; i++) {
			c = substr(line, i, 1); c2 = substr(line, i, 2)
			top = (sp == 0) ? "" : st[sp]
			if (top == "") {
				if (c == "\n") flush()  # (a line ending in && || | shows as an operator)
				else if (c2 == "\\\n") { cont = 1; i++; flush() }
				else if (c == "\\") { emit("_"); i++ }
				else if (c == "\047") push("S")
				else if (c == "\"") push("D")
				else if (c2 == "$(") { push("P"); depth[sp] = 1; i++ }
				else if (c2 == "${") { push("B"); i++ }
				else if (c == "`") push("K")
				else if (c == "#" && (rec == "" || substr(rec, length(rec), 1) ~ /[ \t;&|()]/)) {
					i = L - 1  # a comment: up to the newline
				} else emit(c)
			} else if (top == "S") {
				if (c == "\047") sp--
			} else if (top == "D") {
				if (c == "\\") i++
				else if (c == "\"") sp--
				else if (c2 == "$(") { push("P"); depth[sp] = 1; i++ }
				else if (c2 == "${") { push("B"); i++ }
				else if (c == "`") push("K")
			} else if (top == "P") {
				if (c == "\\") i++
				else if (c == "(") depth[sp]++
				else if (c == ")") { if (--depth[sp] == 0) sp-- }
				else if (c == "\047") push("S")
				else if (c == "\"") push("D")
				else if (c2 == "${") { push("B"); i++ }
				else if (c == "`") push("K")
			} else if (top == "B") {
				if (c == "\\") i++
				else if (c == "}") sp--
				else if (c == "\047") push("S")
				else if (c == "\"") push("D")
				else if (c2 == "$(") { push("P"); depth[sp] = 1; i++ }
				else if (c2 == "${") { push("B"); i++ }
			} else if (top == "K") {
				if (c == "\\") i++
				else if (c == "`") sp--
			}
		}
	}
	END { exit bad }
	' "$@"
}

self_test() {
	d=$(mktemp -d /tmp/vnode-lint.XXXXXX) || exit 2
	trap 'rm -rf "$d"' EXIT
	f=$d/sample.sh
	# the lines marked BAD, and only those, must be reported
	cat >"$f" <<'EOF'
check good_simple [ a ]
check good_quoted_and sh -c '[ a ] && [ b ]' -
check bad_and [ a ] && [ b ]
check good_subst [ "$(echo x | tr x y; true && false)" = y ]
check bad_or [ a ] || [ b ]
expect good_expect 2 "a;b|c" cmd 2>&1
check bad_continued [ a ] &&
	[ b ] # (bad_continued)
check good_multiline sh -c '
	[ a ] && [ b ] || [ c ]'
check bad_pipe cmd | grep -q x
check bad_semicolon [ a ]; [ b ]
check bad_backslash [ a ] \
	-a b # (bad_backslash)
[ -n x ] && check good_after_and [ a ]
check good_escaped [ a ] \; x
# check good_comment [ a ] && [ b ]
check good_param "${x#y}" ${y%%;*} $((1 + 2)) `echo a && b`
check() { n=$1; shift; if "$@"; then pass "$n"; else fail "$n" "$*"; fi; }
check_released 1 && true
expect bad_expect 2 x cmd || true
x=1 check bad_after_assignment [ a ] && [ b ]
check good_redirect cmd >/dev/null 2>&1 <&0
EOF
	want=$(grep -n '^[^#]*bad_' "$f" | cut -d: -f1 | tr '\n' ' ')
	out=$(lint "$f")
	rc=$?
	got=$(printf '%s\n' "$out" | sed -n "s|^$f:\([0-9]*\): .*asserts only its first command\$|\1|p" | tr '\n' ' ')
	clean=$d/clean.sh
	grep -v 'bad_' "$f" >"$clean"
	cout=$(lint "$clean")
	crc=$?
	if [ "$rc" = 1 ] && [ "$got" = "$want" ] && [ "$(printf '%s\n' "$out" | grep -c .)" = "$(echo $want | wc -w)" ] &&
		[ "$crc" = 0 ] && [ -z "$cout" ]; then
		echo "ok lint_self_test"
	else
		echo "FAIL lint_self_test: flagged lines '$got' (exit $rc), wanted '$want' (exit 1); clean sample: exit $crc"
		printf '%s\n' "$out" "$cout"
		exit 1
	fi
}

case "${1:-}" in
--self-test) self_test ;;
*)
	[ $# -gt 0 ] || set -- tests/integration/*.sh tests/soak/*.sh
	lint "$@"
	;;
esac
