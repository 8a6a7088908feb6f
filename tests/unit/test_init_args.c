/* vinit's command line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "vinit.h"

#define ARGV(...) ((char *const[]){ "vinit", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "vinit", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, err, ...) parse_args(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), o, err, sizeof(err))

static void test_args_defaults(void **s)
{
	(void)s;
	struct opts o;
	char err[128];
	assert_int_equal(parse_args(1, (char *const[]){ "vinit", NULL }, &o, err, sizeof(err)), 0);
	assert_int_equal(o.grace_ms, VINIT_DEFAULT_GRACE_MS);
	assert_int_equal(o.rc_timeout_ms, VINIT_DEFAULT_RC_TIMEOUT_MS);
	assert_int_equal(o.ready_fd, -1);
	assert_null(o.cmd);
	assert_null(o.rc_cmd);
}

static void test_args_grace_in_seconds_with_decimals(void **s)
{
	(void)s;
	struct opts o;
	char err[128];
	assert_int_equal(PARSE(&o, err, "--grace", "0.25"), 0);
	assert_int_equal(o.grace_ms, 250);
	assert_int_equal(PARSE(&o, err, "-g", "3"), 0);
	assert_int_equal(o.grace_ms, 3000);
	assert_int_equal(PARSE(&o, err, "--grace=1.5"), 0);
	assert_int_equal(o.grace_ms, 1500);
}

static void test_args_bad_grace_is_an_error_naming_it(void **s)
{
	(void)s;
	struct opts o;
	char err[128];
	assert_int_equal(PARSE(&o, err, "--grace", "soon"), -1);
	assert_non_null(strstr(err, "soon"));
	assert_int_equal(PARSE(&o, err, "--grace", "99999999"), -1);
	assert_int_equal(PARSE(&o, err, "--grace"), -1);
	assert_non_null(strstr(err, "needs a value"));
}

static void test_args_command_after_double_dash(void **s)
{
	(void)s;
	struct opts o;
	char err[128];
	assert_int_equal(PARSE(&o, err, "-q", "--", "sh", "-c", "exit 3"), 0);
	assert_true(o.quiet);
	assert_string_equal(o.cmd[0], "sh");
	assert_string_equal(o.cmd[2], "exit 3");
	assert_null(o.cmd[3]);
	assert_int_equal(PARSE(&o, err, "--"), -1);
}

static void test_args_options_after_double_dash_belong_to_the_command(void **s)
{
	(void)s;
	struct opts o;
	char err[128];
	assert_int_equal(PARSE(&o, err, "--", "ls", "--help"), 0);
	assert_false(o.help);
}

static void test_args_rc_overrides_and_ready_fd(void **s)
{
	(void)s;
	struct opts o;
	char err[128];
	assert_int_equal(PARSE(&o, err, "--rc", "echo hi", "--rc-shutdown=echo bye", "--ready-fd", "3",
			       "--rc-timeout", "2"), 0);
	assert_string_equal(o.rc_cmd, "echo hi");
	assert_string_equal(o.rc_shutdown_cmd, "echo bye");
	assert_int_equal(o.ready_fd, 3);
	assert_int_equal(o.rc_timeout_ms, 2000);
	assert_int_equal(PARSE(&o, err, "--ready-fd", "x"), -1);
	assert_int_equal(PARSE(&o, err, "--hold-fd", "4", "--hold-fd=5"), 0);
	assert_int_equal(o.nhold, 2);
	assert_int_equal(o.hold_fd[0], 4);
	assert_int_equal(o.hold_fd[1], 5);
	assert_int_equal(PARSE(&o, err, "--hold-fd", "-1"), -1);
	assert_int_equal(PARSE(&o, err, "--no-rc"), 0);
	assert_true(o.no_rc);
}

static void test_args_kernel_runlevel_words_are_accepted(void **s)
{
	(void)s;
	struct opts o;
	char err[128];
	assert_int_equal(PARSE(&o, err, "2"), 0);
	assert_int_equal(PARSE(&o, err, "single"), 0);
	assert_int_equal(PARSE(&o, err, "S"), 0);
}

static void test_args_unknown_option_and_stray_words_are_errors(void **s)
{
	(void)s;
	struct opts o;
	char err[128];
	assert_int_equal(PARSE(&o, err, "--frobnicate"), -1);
	assert_non_null(strstr(err, "--frobnicate: unknown option"));
	assert_int_equal(PARSE(&o, err, "sh"), -1);
	assert_non_null(strstr(err, "after --"));
	assert_int_equal(PARSE(&o, err, "--quiet=yes"), -1);
}

static void test_args_help_and_version(void **s)
{
	(void)s;
	struct opts o;
	char err[128];
	assert_int_equal(PARSE(&o, err, "--help"), 0);
	assert_true(o.help);
	assert_int_equal(PARSE(&o, err, "-V"), 0);
	assert_true(o.version);
	assert_non_null(strstr(vinit_usage, "SIGRTMIN+3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_defaults),
		cmocka_unit_test(test_args_grace_in_seconds_with_decimals),
		cmocka_unit_test(test_args_bad_grace_is_an_error_naming_it),
		cmocka_unit_test(test_args_command_after_double_dash),
		cmocka_unit_test(test_args_options_after_double_dash_belong_to_the_command),
		cmocka_unit_test(test_args_rc_overrides_and_ready_fd),
		cmocka_unit_test(test_args_kernel_runlevel_words_are_accepted),
		cmocka_unit_test(test_args_unknown_option_and_stray_words_are_errors),
		cmocka_unit_test(test_args_help_and_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
