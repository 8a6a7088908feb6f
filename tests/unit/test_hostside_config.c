/* Unit tests for hostside/config.c: the vnode config file parser. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

#define PATH "/opt/sub/a/config"

static char err[512];

/* Parses text that must be accepted; fails the test with the error if not. */
static struct conf parse_ok(const char *text)
{
	struct conf c;
	int r = conf_parse(PATH, text, strlen(text), &c, err, sizeof err);

	if (r) {
		print_error("expected the config to parse, got %d: %s\n", r, err);
		fail();
	}
	return c;
}

/* Parses text that must be rejected with exactly the message want. */
static void parse_fails(const char *text, const char *want)
{
	struct conf c;
	int r = conf_parse(PATH, text, strlen(text), &c, err, sizeof err);

	assert_int_equal(r, -EINVAL);
	assert_string_equal(err, want);
	assert_int_equal(c.nentries, 0);
	assert_null(c.entries);
}

/* The value list of key, which must be set, checked against want[]. */
static void assert_values(const struct conf *c, const char *key, unsigned n, const char *const want[])
{
	const struct conf_entry *e = conf_get(c, key);

	if (!e) {
		print_error("expected %s to be set\n", key);
		fail();
	}
	assert_int_equal(e->nvalues, n);
	for (unsigned i = 0; i < n; i++)
		assert_string_equal(e->values[i], want[i]);
}

static void assert_scalar(const struct conf *c, const char *key, const char *want)
{
	assert_values(c, key, 1, (const char *const[]){ want });
}

/* ---- accepted syntax ---------------------------------------------------- */

static void test_scalar_value_is_one_value(void **state)
{
	struct conf c = parse_ok("HOSTNAME=web1\n");

	(void)state;
	assert_int_equal(c.nentries, 1);
	assert_string_equal(c.path, PATH);
	assert_scalar(&c, "HOSTNAME", "web1");
	assert_false(conf_get(&c, "HOSTNAME")->is_array);
	conf_free(&c);
}

static void test_entry_records_line_and_column_of_key(void **state)
{
	struct conf c = parse_ok("\n# x\n  INIT=/sbin/init\nexport   BASE=/b\n");
	const struct conf_entry *e;

	(void)state;
	e = conf_get(&c, "INIT");
	assert_int_equal(e->line, 3);
	assert_int_equal(e->col, 3);
	e = conf_get(&c, "BASE");
	assert_int_equal(e->line, 4);
	assert_int_equal(e->col, 10);
	conf_free(&c);
}

static void test_several_assignments_on_one_line(void **state)
{
	struct conf c = parse_ok("NETWORK=host STOP_TIMEOUT=5\tHOOK=/h");

	(void)state;
	assert_scalar(&c, "NETWORK", "host");
	assert_scalar(&c, "STOP_TIMEOUT", "5");
	assert_scalar(&c, "HOOK", "/h");
	conf_free(&c);
}

static void test_key_given_twice_last_wins(void **state)
{
	struct conf c = parse_ok("HOSTNAME=a\nDISKS=(x y)\nHOSTNAME=b\nDISKS=z\n");

	(void)state;
	assert_int_equal(c.nentries, 2);
	assert_scalar(&c, "HOSTNAME", "b");
	assert_int_equal(conf_get(&c, "HOSTNAME")->line, 3);
	assert_scalar(&c, "DISKS", "z");
	assert_false(conf_get(&c, "DISKS")->is_array);
	conf_free(&c);
}

static void test_single_quotes_keep_everything_literal(void **state)
{
	struct conf c = parse_ok("HOSTNAME='$(x) `y` \\ \" # * ~ ;|&<>(){}'\n");

	(void)state;
	assert_scalar(&c, "HOSTNAME", "$(x) `y` \\ \" # * ~ ;|&<>(){}");
	conf_free(&c);
}

static void test_double_quote_escapes(void **state)
{
	struct conf c = parse_ok("HOSTNAME=\"a\\\"b\\\\c\\$d\\`e\\nf\"\n");

	(void)state;
	/* \" \\ \$ \` are escapes; before any other character the backslash stays */
	assert_scalar(&c, "HOSTNAME", "a\"b\\c$d`e\\nf");
	conf_free(&c);
}

static void test_quotes_span_lines(void **state)
{
	struct conf c = parse_ok("HOSTNAME='a\nb' INIT=\"c\nd\"\nBASE=/e\n");

	(void)state;
	assert_scalar(&c, "HOSTNAME", "a\nb");
	assert_scalar(&c, "INIT", "c\nd");
	assert_int_equal(conf_get(&c, "BASE")->line, 4);
	conf_free(&c);
}

static void test_quoted_parts_join_into_one_word(void **state)
{
	struct conf c = parse_ok("BASE=/a'b c'\"d e\"f\n");

	(void)state;
	assert_scalar(&c, "BASE", "/ab cd ef");
	conf_free(&c);
}

static void test_backslash_outside_quotes_escapes_next_char(void **state)
{
	struct conf c = parse_ok("BASE=/my\\ dir\\$x\\*\n");

	(void)state;
	assert_scalar(&c, "BASE", "/my dir$x*");
	conf_free(&c);
}

static void test_backslash_newline_joins_lines(void **state)
{
	struct conf c = parse_ok("HOSTNAME=ab\\\ncd \\\n  INIT=/i\n");

	(void)state;
	assert_scalar(&c, "HOSTNAME", "abcd");
	assert_scalar(&c, "INIT", "/i");
	conf_free(&c);
}

static void test_array_on_one_line(void **state)
{
	struct conf c = parse_ok("DISKS=( vda:1:/disks/disk1.raw vdb:1:/disks/disk2.raw )\n");

	(void)state;
	assert_values(&c, "DISKS", 2,
		      (const char *const[]){ "vda:1:/disks/disk1.raw", "vdb:1:/disks/disk2.raw" });
	assert_true(conf_get(&c, "DISKS")->is_array);
	conf_free(&c);
}

static void test_array_across_lines_with_comments_and_quotes(void **state)
{
	struct conf c = parse_ok("BINDS=(   # host:inside\n"
				 "  /a:/a:ro\n"
				 "\n"
				 "  \"/my dir:/x\" '/q:/q' # last\n"
				 ")\n"
				 "HOSTNAME=h\n");

	(void)state;
	assert_values(&c, "BINDS", 3, (const char *const[]){ "/a:/a:ro", "/my dir:/x", "/q:/q" });
	assert_scalar(&c, "HOSTNAME", "h");
	conf_free(&c);
}

static void test_array_without_blanks_around_parens(void **state)
{
	struct conf c = parse_ok("BRIDGES=(homenet:06:a7:dd:b4:02:f2)");

	(void)state;
	assert_values(&c, "BRIDGES", 1, (const char *const[]){ "homenet:06:a7:dd:b4:02:f2" });
	conf_free(&c);
}

static void test_array_may_hold_empty_strings(void **state)
{
	struct conf c = parse_ok("ADDRS=( '' \"\" x )\n");

	(void)state;
	assert_values(&c, "ADDRS", 3, (const char *const[]){ "", "", "x" });
	conf_free(&c);
}

static void test_empty_array_has_no_values(void **state)
{
	struct conf c = parse_ok("CAPS_DROP=()\nCAPS_KEEP=(\n)\n");

	(void)state;
	assert_int_equal(conf_get(&c, "CAPS_DROP")->nvalues, 0);
	assert_int_equal(conf_get(&c, "CAPS_KEEP")->nvalues, 0);
	conf_free(&c);
}

static void test_array_key_accepts_a_scalar_as_one_element(void **state)
{
	struct conf c = parse_ok("DISKS=vda:1:/d.raw\n");

	(void)state;
	assert_values(&c, "DISKS", 1, (const char *const[]){ "vda:1:/d.raw" });
	assert_false(conf_get(&c, "DISKS")->is_array);
	conf_free(&c);
}

static void test_array_key_with_empty_scalar_is_empty(void **state)
{
	struct conf c = parse_ok("DISKS=\nBRIDGES=''\n");

	(void)state;
	assert_int_equal(conf_get(&c, "DISKS")->nvalues, 0);
	assert_int_equal(conf_get(&c, "BRIDGES")->nvalues, 0);
	conf_free(&c);
}

static void test_scalar_empty_values_are_one_empty_string(void **state)
{
	struct conf c = parse_ok("HOSTNAME=\nGATEWAY=''\nHOOK=\"\" # none\n");

	(void)state;
	assert_scalar(&c, "HOSTNAME", "");
	assert_scalar(&c, "GATEWAY", "");
	assert_scalar(&c, "HOOK", "");
	assert_string_equal(conf_value(&c, "HOSTNAME", "dflt"), "dflt");
	conf_free(&c);
}

static void test_comment_lines_and_trailing_comments(void **state)
{
	struct conf c = parse_ok("# header\n   # indented\nHOSTNAME=h # trailing\n#last");

	(void)state;
	assert_int_equal(c.nentries, 1);
	assert_scalar(&c, "HOSTNAME", "h");
	conf_free(&c);
}

static void test_hash_inside_word_or_quotes_is_literal(void **state)
{
	struct conf c = parse_ok("HOOK=/a#b\nHOSTNAME=#x\nBASE=\"/c #d\"\n");

	(void)state;
	assert_scalar(&c, "HOOK", "/a#b");
	assert_scalar(&c, "HOSTNAME", "#x");
	assert_scalar(&c, "BASE", "/c #d");
	conf_free(&c);
}

static void test_comment_after_array_needs_a_blank(void **state)
{
	struct conf c = parse_ok("DISKS=(a) # c\n");

	(void)state;
	assert_values(&c, "DISKS", 1, (const char *const[]){ "a" });
	conf_free(&c);
	/* bash runs "c" here: '#' right after ')' does not start a comment */
	parse_fails("DISKS=(a)# c", PATH ":1:10: expected a blank or the end of the line after ')'");
}

static void test_export_with_assignments(void **state)
{
	struct conf c = parse_ok("export DISKS=(a b) HOSTNAME=h\n");

	(void)state;
	assert_values(&c, "DISKS", 2, (const char *const[]){ "a", "b" });
	assert_scalar(&c, "HOSTNAME", "h");
	conf_free(&c);
}

static void test_export_of_a_bare_key_sets_nothing(void **state)
{
	struct conf c = parse_ok("BRIDGES=(br)\nexport BRIDGES DISKS\n");

	(void)state;
	assert_int_equal(c.nentries, 1);
	assert_values(&c, "BRIDGES", 1, (const char *const[]){ "br" });
	assert_null(conf_get(&c, "DISKS"));
	conf_free(&c);
}

static void test_empty_text_and_only_comments_give_no_entries(void **state)
{
	struct conf c = parse_ok("");

	(void)state;
	assert_int_equal(c.nentries, 0);
	conf_free(&c);
	c = parse_ok("\n\n  \t\n# nothing\n");
	assert_int_equal(c.nentries, 0);
	conf_free(&c);
}

static void test_every_documented_key_is_accepted(void **state)
{
	static const char *const keys[] = { "DISKS", "BRIDGES", "BASE", "BINDS", "HOSTNAME",
					    "INIT", "NETWORK", "ADDRS", "GATEWAY", "CAPS_DROP",
					    "CAPS_KEEP", "STOP_TIMEOUT", "HOOK" };
	char text[64];

	(void)state;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		struct conf c;
		const char *v = !strcmp(keys[i], "NETWORK") ? "none"
			      : !strcmp(keys[i], "STOP_TIMEOUT") ? "30" : "v";

		snprintf(text, sizeof text, "%s=%s\n", keys[i], v);
		c = parse_ok(text);
		assert_scalar(&c, keys[i], v);
		conf_free(&c);
	}
}

static void test_stop_timeout_accepts_zero_to_a_day_or_empty(void **state)
{
	struct conf c = parse_ok("STOP_TIMEOUT=0\n");

	(void)state;
	assert_scalar(&c, "STOP_TIMEOUT", "0");
	conf_free(&c);
	c = parse_ok("STOP_TIMEOUT=86400\n");
	assert_scalar(&c, "STOP_TIMEOUT", "86400");
	conf_free(&c);
	c = parse_ok("STOP_TIMEOUT=\n"); /* empty: the default */
	assert_null(conf_value(&c, "STOP_TIMEOUT", NULL));
	conf_free(&c);
}

static void test_network_accepts_its_three_modes_or_empty(void **state)
{
	static const char *const modes[] = { "private", "host", "none" };
	char text[64];

	(void)state;
	struct conf c;

	for (size_t i = 0; i < 3; i++) {
		snprintf(text, sizeof text, "NETWORK=%s", modes[i]);
		c = parse_ok(text);
		assert_scalar(&c, "NETWORK", modes[i]);
		conf_free(&c);
	}
	c = parse_ok("NETWORK=\n"); /* empty: the default, private */
	assert_null(conf_value(&c, "NETWORK", NULL));
	conf_free(&c);
}

static void test_text_is_bounded_by_len_not_nul(void **state)
{
	struct conf c;

	(void)state;
	assert_int_equal(conf_parse(PATH, "HOSTNAME=abcdef", 12, &c, err, sizeof err), 0);
	assert_scalar(&c, "HOSTNAME", "abc");
	conf_free(&c);
}

static void test_very_long_line(void **state)
{
	size_t n = 200000;
	char *text = malloc(n + 32);
	struct conf c;

	(void)state;
	assert_non_null(text);
	strcpy(text, "BASE=/");
	memset(text + 6, 'x', n);
	strcpy(text + 6 + n, "\n");
	c = parse_ok(text);
	assert_int_equal(strlen(conf_get(&c, "BASE")->values[0]), n + 1);
	conf_free(&c);
	free(text);
}

static void test_long_array(void **state)
{
	unsigned n = 10000;
	char *text = malloc(16 + 6 * n);
	size_t len;
	struct conf c;

	(void)state;
	assert_non_null(text);
	len = sprintf(text, "BINDS=(");
	for (unsigned i = 0; i < n; i++)
		len += sprintf(text + len, "\n/%04u", i);
	strcpy(text + len, "\n)\n");
	c = parse_ok(text);
	assert_int_equal(conf_get(&c, "BINDS")->nvalues, n);
	assert_string_equal(conf_get(&c, "BINDS")->values[n - 1], "/9999");
	conf_free(&c);
	free(text);
}

/* ---- rejected constructs, each at its exact position --------------------- */

static void test_command_substitution_is_rejected(void **state)
{
	(void)state;
	parse_fails("# a\nHOSTNAME=h\nGATEWAY=$(ip route)\n",
		    PATH ":3:9: command substitution is not allowed (the config is parsed, not executed)");
	parse_fails("HOSTNAME=\"x$(hostname)\"",
		    PATH ":1:12: command substitution is not allowed (the config is parsed, not executed)");
}

static void test_backticks_are_rejected(void **state)
{
	(void)state;
	parse_fails("HOSTNAME=`hostname`",
		    PATH ":1:10: command substitution is not allowed (the config is parsed, not executed)");
	parse_fails("HOSTNAME=\"a`b`\"",
		    PATH ":1:12: command substitution is not allowed (the config is parsed, not executed)");
}

static void test_parameter_expansion_is_rejected(void **state)
{
	(void)state;
	parse_fails("BASE=$HOME/x",
		    PATH ":1:6: parameter expansion is not allowed (the config is parsed, not executed)");
	parse_fails("BASE=/a${X}",
		    PATH ":1:8: parameter expansion is not allowed (the config is parsed, not executed)");
	parse_fails("DISKS=( a \"$1\" )",
		    PATH ":1:12: parameter expansion is not allowed (the config is parsed, not executed)");
}

static void test_arithmetic_is_rejected(void **state)
{
	(void)state;
	parse_fails("STOP_TIMEOUT=$((10*3))",
		    PATH ":1:14: arithmetic expansion is not allowed (the config is parsed, not executed)");
}

static void test_bare_dollar_must_be_quoted(void **state)
{
	(void)state;
	parse_fails("HOSTNAME=a$",
		    PATH ":1:11: a literal '$' must be quoted ('$') or escaped (\\$)");
}

static void test_ansi_c_quoting_is_rejected(void **state)
{
	(void)state;
	parse_fails("HOSTNAME=$'a\\n'", PATH ":1:10: $'...' quoting is not supported");
}

static void test_semicolon_is_rejected(void **state)
{
	(void)state;
	parse_fails("HOSTNAME=a; INIT=/i",
		    PATH ":1:11: ';' is not allowed: one statement per line (the config is parsed, not executed)");
}

static void test_ampersand_is_rejected(void **state)
{
	(void)state;
	parse_fails("HOSTNAME=a && INIT=/i",
		    PATH ":1:12: '&' is not allowed: no background jobs or && lists (the config is parsed, not executed)");
	parse_fails("HOSTNAME=a&",
		    PATH ":1:11: '&' is not allowed: no background jobs or && lists (the config is parsed, not executed)");
}

static void test_pipe_is_rejected(void **state)
{
	(void)state;
	parse_fails("HOSTNAME=a|b",
		    PATH ":1:11: '|' is not allowed: no pipes or || lists (the config is parsed, not executed)");
}

static void test_redirections_are_rejected(void **state)
{
	(void)state;
	parse_fails("HOSTNAME=a >/tmp/x",
		    PATH ":1:12: redirections are not allowed (the config is parsed, not executed)");
	parse_fails("DISKS=( a <b )",
		    PATH ":1:11: redirections are not allowed (the config is parsed, not executed)");
}

static void test_unquoted_globs_are_rejected(void **state)
{
	(void)state;
	parse_fails("BINDS=( /a/* )", PATH ":1:12: unquoted '*' is a glob bash would expand; quote it");
	parse_fails("BASE=/a?", PATH ":1:8: unquoted '?' is a glob bash would expand; quote it");
	parse_fails("BASE=/[ab]", PATH ":1:7: unquoted '[' is a glob bash would expand; quote it");
}

static void test_brace_expansion_is_rejected(void **state)
{
	(void)state;
	parse_fails("BINDS=( /{a,b} )", PATH ":1:10: unquoted '{' may be a brace expansion; quote it");
}

static void test_tilde_expansion_is_rejected(void **state)
{
	(void)state;
	parse_fails("BASE=~/base",
		    PATH ":1:6: unquoted '~' is a tilde expansion; write the path or quote it");
	parse_fails("BINDS=/a:~/b",
		    PATH ":1:10: unquoted '~' is a tilde expansion; write the path or quote it");
}

static void test_commands_are_rejected(void **state)
{
	(void)state;
	parse_fails("source /etc/x",
		    PATH ":1:1: 'source' is a command; commands are not allowed (the config is parsed, not executed)");
	parse_fails("HOSTNAME=a echo hi",
		    PATH ":1:12: 'echo' is a command; commands are not allowed (the config is parsed, not executed)");
	parse_fails(". /etc/x", PATH ":1:1: expected KEY=value");
}

static void test_functions_and_subshells_are_rejected(void **state)
{
	(void)state;
	parse_fails("f() { :; }", PATH ":1:1: functions are not allowed (the config is parsed, not executed)");
	parse_fails("(HOSTNAME=a)",
		    PATH ":1:1: '(' is not allowed here: no subshells or functions (an array is KEY=( ... ))");
	parse_fails("DISKS=( a (b) )",
		    PATH ":1:11: '(' is not allowed here: no subshells or functions (an array is KEY=( ... ))");
}

static void test_stray_close_paren_is_rejected(void **state)
{
	(void)state;
	parse_fails("HOSTNAME=a)", PATH ":1:11: unexpected ')'");
}

static void test_text_right_after_array_is_rejected(void **state)
{
	(void)state;
	parse_fails("DISKS=(a)b", PATH ":1:10: expected a blank or the end of the line after ')'");
}

static void test_blanks_around_equals_are_rejected(void **state)
{
	(void)state;
	parse_fails("\nDISKS = ( a )", PATH ":2:1: no blanks are allowed around '=' in KEY=value");
}

static void test_append_and_index_assignments_are_rejected(void **state)
{
	(void)state;
	parse_fails("DISKS+=( a )", PATH ":1:1: '+=' is not supported: assign the whole value");
	parse_fails("DISKS[1]=a", PATH ":1:1: KEY[index]= is not supported: assign the whole array");
}

static void test_scalar_key_given_an_array_is_rejected(void **state)
{
	(void)state;
	parse_fails("HOSTNAME=( a b )", PATH ":1:10: HOSTNAME takes one value, not an array");
}

static void test_bad_network_mode_is_rejected(void **state)
{
	(void)state;
	parse_fails("LOG_MAX=1T", PATH ":1:9: LOG_MAX must be a size from 64K to 1G (bytes, or with K, M or G), not '1T'");
	parse_fails("LOG_MAX=1000", PATH ":1:9: LOG_MAX must be a size from 64K to 1G (bytes, or with K, M or G), not '1000'");
	assert_int_equal(conf_size("1M"), 1 << 20);
	assert_int_equal(conf_size("65536"), 65536);
	assert_int_equal(conf_size("2G"), -1);
	assert_int_equal(conf_size("5Mx"), -1);
	parse_fails("PRIVILEGED=true", PATH ":1:12: PRIVILEGED must be yes or no, not 'true'");
	parse_fails("NETWORK=bridged", PATH ":1:9: NETWORK must be private, host or none, not 'bridged'");
	parse_fails("NETWORK=Host", PATH ":1:9: NETWORK must be private, host or none, not 'Host'");
}

static void test_bad_stop_timeout_is_rejected(void **state)
{
	(void)state;
	parse_fails("STOP_TIMEOUT=30s",
		    PATH ":1:14: STOP_TIMEOUT must be a whole number of seconds (0 to 86400), not '30s'");
	parse_fails("STOP_TIMEOUT=-1",
		    PATH ":1:14: STOP_TIMEOUT must be a whole number of seconds (0 to 86400), not '-1'");
	parse_fails("STOP_TIMEOUT=86401",
		    PATH ":1:14: STOP_TIMEOUT must be a whole number of seconds (0 to 86400), not '86401'");
	parse_fails("STOP_TIMEOUT=9999999999",
		    PATH ":1:14: STOP_TIMEOUT must be a whole number of seconds (0 to 86400), not '9999999999'");
}

static void test_export_errors(void **state)
{
	(void)state;
	parse_fails("export", PATH ":1:1: export needs KEY or KEY=value");
	parse_fails("export -n DISKS", PATH ":1:8: export options are not supported");
	parse_fails("export BRIDGE", PATH ":1:8: unknown key BRIDGE (did you mean BRIDGES?)");
}

static void test_dos_line_endings_are_rejected(void **state)
{
	(void)state;
	parse_fails("HOSTNAME=a\r\n",
		    PATH ":1:11: carriage return: the file has DOS line endings (convert it with dos2unix)");
	parse_fails("\r\n",
		    PATH ":1:1: carriage return: the file has DOS line endings (convert it with dos2unix)");
}

static void test_backslash_at_end_of_file_is_rejected(void **state)
{
	(void)state;
	parse_fails("HOSTNAME=a\\", PATH ":1:11: backslash at the end of the file");
}

/* ---- unknown keys --------------------------------------------------------- */

static void test_unknown_key_suggests_the_nearest(void **state)
{
	(void)state;
	parse_fails("HOSTNAME=a\n\n\nBRIDGE=( br )",
		    PATH ":4:1: unknown key BRIDGE (did you mean BRIDGES?)");
	parse_fails("NETWROK=host", PATH ":1:1: unknown key NETWROK (did you mean NETWORK?)");
	parse_fails("  CAPSDROP=()", PATH ":1:3: unknown key CAPSDROP (did you mean CAPS_DROP?)");
}

static void test_unknown_key_in_lower_case_suggests_upper(void **state)
{
	(void)state;
	parse_fails("hostname=a", PATH ":1:1: unknown key hostname (did you mean HOSTNAME?)");
}

static void test_unknown_key_far_from_all_lists_the_keys(void **state)
{
	(void)state;
	parse_fails("FOO=1", PATH ":1:1: unknown key FOO (known keys: DISKS BRIDGES BASE BINDS "
			     "HOSTNAME INIT NETWORK ADDRS GATEWAY CAPS_DROP CAPS_KEEP STOP_TIMEOUT "
			     "BOOT_TIMEOUT HOOK HOOK_TIMEOUT PRIVILEGED LOG_MAX MEMORY_MAX MEMORY_HIGH PIDS_MAX CPU_MAX CPU_WEIGHT "
			     "IO_WEIGHT)");
}

static void test_suggest_needs_a_close_match(void **state)
{
	(void)state;
	assert_string_equal(conf_suggest("DISK", 4), "DISKS");
	assert_string_equal(conf_suggest("stop_timeout", 12), "STOP_TIMEOUT");
	assert_null(conf_suggest("X", 1));
	assert_null(conf_suggest("", 0));
	assert_null(conf_suggest("COMPLETELY_DIFFERENT", 20));
}

/* ---- unterminated constructs: reported where they open -------------------- */

static void test_unterminated_single_quote_at_opening(void **state)
{
	(void)state;
	parse_fails("HOSTNAME=a\nBASE='/x\nINIT=/i\n", PATH ":2:6: unterminated single quote");
}

static void test_unterminated_double_quote_at_opening(void **state)
{
	(void)state;
	parse_fails("DISKS=( a \"b\n)\n", PATH ":1:11: unterminated double quote");
}

static void test_unterminated_array_at_opening(void **state)
{
	(void)state;
	parse_fails("\nDISKS=( a\n  b\nHOSTNAME=x\n", PATH ":2:7: unterminated array: no ')' for this '('");
}

/* ---- NUL bytes ------------------------------------------------------------ */

static void test_nul_byte_is_rejected_where_it_is(void **state)
{
	static const char text[] = "HOSTNAME=a\nBASE=/b\0c\n";
	struct conf c;

	(void)state;
	assert_int_equal(conf_parse(PATH, text, sizeof text - 1, &c, err, sizeof err), -EINVAL);
	assert_string_equal(err, PATH ":2:8: NUL byte in the config (is it a text file?)");
}

/* Well-formed UTF-8 passes, in values and comments; each ill-formed kind is refused
 * where it starts. */
static void test_utf8_is_checked(void **state)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "HOSTNAME=a\xff" "b\n", PATH ":1:11: byte 0xff is not UTF-8 (a config is UTF-8 text)" },
		{ "HOSTNAME=\xc0\xaf\n", PATH ":1:10: byte 0xc0 is not UTF-8 (a config is UTF-8 text)" },
		{ "# \xed\xa0\x80\n", PATH ":1:3: byte 0xed is not UTF-8 (a config is UTF-8 text)" },
		{ "HOSTNAME=\xf4\x90\x80\x80\n", PATH ":1:10: byte 0xf4 is not UTF-8 (a config is UTF-8 text)" },
		{ "HOSTNAME=\xe2\x82", PATH ":1:10: byte 0xe2 is not UTF-8 (a config is UTF-8 text)" },
		{ "HOSTNAME=\xe2(\xa1\n", PATH ":1:10: byte 0xe2 is not UTF-8 (a config is UTF-8 text)" },
	};
	struct conf c;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		parse_fails(bad[i].text, bad[i].want);
	static const char good[] = "# caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7\nHOSTNAME=caf\xc3\xa9\n";
	assert_int_equal(conf_parse(PATH, good, sizeof good - 1, &c, err, sizeof err), 0);
	conf_free(&c);
}

static void test_nul_byte_in_a_comment_is_rejected(void **state)
{
	static const char text[] = "# \0\nHOSTNAME=a\n";
	struct conf c;

	(void)state;
	assert_int_equal(conf_parse(PATH, text, sizeof text - 1, &c, err, sizeof err), -EINVAL);
	assert_string_equal(err, PATH ":1:3: NUL byte in the config (is it a text file?)");
}

/* ---- error buffer ------------------------------------------------------------ */

static void test_small_error_buffer_is_truncated(void **state)
{
	char small[12];
	struct conf c;

	(void)state;
	assert_int_equal(conf_parse(PATH, "X=1", 3, &c, small, sizeof small), -EINVAL);
	assert_string_equal(small, "/opt/sub/a/");
	assert_int_equal(conf_parse(PATH, "X=1", 3, &c, NULL, 0), -EINVAL);
}

/* ---- environment ------------------------------------------------------------ */

static void test_env_disks_and_bridges_override_the_file(void **state)
{
	struct conf c = parse_ok("DISKS=( a:1:/f )\nBRIDGES=( br:02:00:00:00:00:01 )\n");
	char *const envp[] = { "PATH=/bin", "DISKS=  vda:1:/x.raw\tvdb:1:/y.raw\n",
			       "BRIDGES=lan:02:00:00:00:00:02", NULL };
	const struct conf_entry *e;

	(void)state;
	assert_int_equal(conf_apply_env(&c, envp), 0);
	assert_values(&c, "DISKS", 2, (const char *const[]){ "vda:1:/x.raw", "vdb:1:/y.raw" });
	assert_values(&c, "BRIDGES", 1, (const char *const[]){ "lan:02:00:00:00:00:02" });
	e = conf_get(&c, "DISKS");
	assert_true(e->is_array);
	assert_int_equal(e->line, 0);
	assert_int_equal(e->col, 0);
	conf_free(&c);
}

static void test_env_sets_keys_missing_from_the_file(void **state)
{
	struct conf c = parse_ok("HOSTNAME=h\n");
	char *const envp[] = { "DISKS=vda:1:/x.raw", NULL };

	(void)state;
	assert_int_equal(conf_apply_env(&c, envp), 0);
	assert_values(&c, "DISKS", 1, (const char *const[]){ "vda:1:/x.raw" });
	assert_null(conf_get(&c, "BRIDGES"));
	conf_free(&c);
}

static void test_env_empty_or_unset_leaves_the_file(void **state)
{
	struct conf c = parse_ok("DISKS=(a)\nBRIDGES=(b)\n");
	char *const envp[] = { "DISKS=", "DISKSX=y", "XBRIDGES=z", NULL };

	(void)state;
	assert_int_equal(conf_apply_env(&c, envp), 0);
	assert_values(&c, "DISKS", 1, (const char *const[]){ "a" });
	assert_values(&c, "BRIDGES", 1, (const char *const[]){ "b" });
	conf_free(&c);
}

static void test_env_only_overrides_disks_and_bridges(void **state)
{
	struct conf c = parse_ok("HOSTNAME=fromfile\n");
	char *const envp[] = { "HOSTNAME=fromenv", "BASE=/env", NULL };

	(void)state;
	assert_int_equal(conf_apply_env(&c, envp), 0);
	assert_scalar(&c, "HOSTNAME", "fromfile");
	assert_null(conf_get(&c, "BASE"));
	conf_free(&c);
}

static void test_env_null_uses_process_environment(void **state)
{
	struct conf c = parse_ok("");

	(void)state;
	assert_int_equal(setenv("BRIDGES", "x:02:00:00:00:00:03 y:02:00:00:00:00:04", 1), 0);
	assert_int_equal(conf_apply_env(&c, NULL), 0);
	assert_int_equal(unsetenv("BRIDGES"), 0);
	assert_values(&c, "BRIDGES", 2,
		      (const char *const[]){ "x:02:00:00:00:00:03", "y:02:00:00:00:00:04" });
	conf_free(&c);
}

/* ---- lookups, loading, freeing ---------------------------------------------- */

static void test_value_lookup_with_defaults(void **state)
{
	struct conf c = parse_ok("INIT=/bin/sh\nDISKS=()\n");

	(void)state;
	assert_string_equal(conf_value(&c, "INIT", "/sbin/init"), "/bin/sh");
	assert_string_equal(conf_value(&c, "HOSTNAME", "a"), "a");
	assert_null(conf_value(&c, "DISKS", NULL));
	assert_null(conf_get(&c, "NOSUCH"));
	conf_free(&c);
}

static void test_load_missing_file_is_enoent(void **state)
{
	struct conf c;

	(void)state;
	assert_int_equal(conf_load("/nonexistent/vnode/config", &c, err, sizeof err), -ENOENT);
	assert_string_equal(err, "/nonexistent/vnode/config: No such file or directory");
	assert_int_equal(c.nentries, 0);
}

static void test_load_directory_is_eisdir(void **state)
{
	struct conf c;

	(void)state;
	assert_int_equal(conf_load("/", &c, err, sizeof err), -EISDIR);
	assert_string_equal(err, "/: Is a directory");
}

static void test_load_reads_and_parses_a_file(void **state)
{
	char path[] = "/tmp/test_hostside_config.XXXXXX";
	static const char text[] = "DISKS=( vda:1:/d.raw )\nHOSTNAME=$(x)\n";
	int fd = mkstemp(path);
	struct conf c;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof text - 1), sizeof text - 1);
	assert_int_equal(close(fd), 0);
	assert_int_equal(conf_load(path, &c, err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, ":2:10: command substitution"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, 23), 23);
	assert_int_equal(close(fd), 0);
	assert_int_equal(conf_load(path, &c, err, sizeof err), 0);
	assert_string_equal(c.path, path);
	assert_values(&c, "DISKS", 1, (const char *const[]){ "vda:1:/d.raw" });
	conf_free(&c);
	assert_int_equal(unlink(path), 0);
}

static void test_free_twice_is_safe(void **state)
{
	struct conf c = parse_ok("DISKS=(a b)\n");

	(void)state;
	conf_free(&c);
	conf_free(&c);
	assert_null(c.entries);
	assert_null(c.path);
}

/* Random bytes from a fixed seed: never a crash, always 0 or a positioned error.
 * Under make check (ASan/UBSan) this doubles as a small fuzz run. */
static void test_random_input_never_crashes(void **state)
{
	static const char alphabet[] = "DISKS=HOSTNAME()'\"\\$`#;&|<>*?[{~ \t\n\rab:/0\0";
	char text[64];
	uint32_t seed = 12345;

	(void)state;
	for (unsigned iter = 0; iter < 20000; iter++) {
		size_t len = iter % sizeof text;
		struct conf c;
		int r;

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		r = conf_parse(PATH, text, len, &c, err, sizeof err);
		if (r) {
			assert_int_equal(r, -EINVAL);
			assert_int_equal(strncmp(err, PATH ":", strlen(PATH) + 1), 0);
		}
		conf_free(&c);
	}
}

#ifdef CONF_FUZZ
/* libFuzzer entry, not part of make:
 *   clang -DCONF_FUZZ -g -fsanitize=fuzzer,address,undefined -Ihostside \
 *     hostside/config.c tests/unit/test_hostside_config.c -lcmocka -o build/fuzz_config
 *   build/fuzz_config -max_total_time=60
 * Accepted input must give entries with values; rejected input an error at a position. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;
	int r = conf_parse(PATH, (const char *)data, size, &c, err, sizeof err);

	if (r && (r != -EINVAL || strncmp(err, PATH ":", strlen(PATH) + 1)))
		abort();
	for (unsigned i = 0; !r && i < c.nentries; i++)
		if (!c.entries[i].line || (c.entries[i].nvalues && !c.entries[i].values))
			abort();
	conf_free(&c);
	return 0;
}
#else
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalar_value_is_one_value),
		cmocka_unit_test(test_entry_records_line_and_column_of_key),
		cmocka_unit_test(test_several_assignments_on_one_line),
		cmocka_unit_test(test_key_given_twice_last_wins),
		cmocka_unit_test(test_single_quotes_keep_everything_literal),
		cmocka_unit_test(test_double_quote_escapes),
		cmocka_unit_test(test_quotes_span_lines),
		cmocka_unit_test(test_quoted_parts_join_into_one_word),
		cmocka_unit_test(test_backslash_outside_quotes_escapes_next_char),
		cmocka_unit_test(test_backslash_newline_joins_lines),
		cmocka_unit_test(test_array_on_one_line),
		cmocka_unit_test(test_array_across_lines_with_comments_and_quotes),
		cmocka_unit_test(test_array_without_blanks_around_parens),
		cmocka_unit_test(test_array_may_hold_empty_strings),
		cmocka_unit_test(test_empty_array_has_no_values),
		cmocka_unit_test(test_array_key_accepts_a_scalar_as_one_element),
		cmocka_unit_test(test_array_key_with_empty_scalar_is_empty),
		cmocka_unit_test(test_scalar_empty_values_are_one_empty_string),
		cmocka_unit_test(test_comment_lines_and_trailing_comments),
		cmocka_unit_test(test_hash_inside_word_or_quotes_is_literal),
		cmocka_unit_test(test_comment_after_array_needs_a_blank),
		cmocka_unit_test(test_export_with_assignments),
		cmocka_unit_test(test_export_of_a_bare_key_sets_nothing),
		cmocka_unit_test(test_empty_text_and_only_comments_give_no_entries),
		cmocka_unit_test(test_every_documented_key_is_accepted),
		cmocka_unit_test(test_stop_timeout_accepts_zero_to_a_day_or_empty),
		cmocka_unit_test(test_network_accepts_its_three_modes_or_empty),
		cmocka_unit_test(test_text_is_bounded_by_len_not_nul),
		cmocka_unit_test(test_very_long_line),
		cmocka_unit_test(test_long_array),
		cmocka_unit_test(test_command_substitution_is_rejected),
		cmocka_unit_test(test_backticks_are_rejected),
		cmocka_unit_test(test_parameter_expansion_is_rejected),
		cmocka_unit_test(test_arithmetic_is_rejected),
		cmocka_unit_test(test_bare_dollar_must_be_quoted),
		cmocka_unit_test(test_ansi_c_quoting_is_rejected),
		cmocka_unit_test(test_semicolon_is_rejected),
		cmocka_unit_test(test_ampersand_is_rejected),
		cmocka_unit_test(test_pipe_is_rejected),
		cmocka_unit_test(test_redirections_are_rejected),
		cmocka_unit_test(test_unquoted_globs_are_rejected),
		cmocka_unit_test(test_brace_expansion_is_rejected),
		cmocka_unit_test(test_tilde_expansion_is_rejected),
		cmocka_unit_test(test_commands_are_rejected),
		cmocka_unit_test(test_functions_and_subshells_are_rejected),
		cmocka_unit_test(test_stray_close_paren_is_rejected),
		cmocka_unit_test(test_text_right_after_array_is_rejected),
		cmocka_unit_test(test_blanks_around_equals_are_rejected),
		cmocka_unit_test(test_append_and_index_assignments_are_rejected),
		cmocka_unit_test(test_scalar_key_given_an_array_is_rejected),
		cmocka_unit_test(test_bad_network_mode_is_rejected),
		cmocka_unit_test(test_bad_stop_timeout_is_rejected),
		cmocka_unit_test(test_export_errors),
		cmocka_unit_test(test_dos_line_endings_are_rejected),
		cmocka_unit_test(test_backslash_at_end_of_file_is_rejected),
		cmocka_unit_test(test_unknown_key_suggests_the_nearest),
		cmocka_unit_test(test_unknown_key_in_lower_case_suggests_upper),
		cmocka_unit_test(test_unknown_key_far_from_all_lists_the_keys),
		cmocka_unit_test(test_suggest_needs_a_close_match),
		cmocka_unit_test(test_unterminated_single_quote_at_opening),
		cmocka_unit_test(test_unterminated_double_quote_at_opening),
		cmocka_unit_test(test_unterminated_array_at_opening),
		cmocka_unit_test(test_nul_byte_is_rejected_where_it_is),
		cmocka_unit_test(test_nul_byte_in_a_comment_is_rejected),
		cmocka_unit_test(test_utf8_is_checked),
		cmocka_unit_test(test_small_error_buffer_is_truncated),
		cmocka_unit_test(test_env_disks_and_bridges_override_the_file),
		cmocka_unit_test(test_env_sets_keys_missing_from_the_file),
		cmocka_unit_test(test_env_empty_or_unset_leaves_the_file),
		cmocka_unit_test(test_env_only_overrides_disks_and_bridges),
		cmocka_unit_test(test_env_null_uses_process_environment),
		cmocka_unit_test(test_value_lookup_with_defaults),
		cmocka_unit_test(test_load_missing_file_is_enoent),
		cmocka_unit_test(test_load_directory_is_eisdir),
		cmocka_unit_test(test_load_reads_and_parses_a_file),
		cmocka_unit_test(test_free_twice_is_safe),
		cmocka_unit_test(test_random_input_never_crashes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
