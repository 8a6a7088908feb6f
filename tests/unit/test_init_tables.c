/* vinit's tables: signals for both sources, endings and exit statuses, and the
 * message formatter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/reboot.h>
#include <cmocka.h>
#include "vinit.h"

static void test_outside_signals_power_off(void **s)
{
	(void)s;
	const int sigs[] = { SIGTERM, SIGPWR, 37, 38, SIGUSR1, SIGUSR2 };
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		assert_int_equal(signal_action(sigs[i], false), ACT_POWEROFF);
}

static void test_outside_signals_reboot(void **s)
{
	(void)s;
	assert_int_equal(signal_action(SIGINT, false), ACT_REBOOT);
	assert_int_equal(signal_action(39, false), ACT_REBOOT);
}

static void test_busybox_signals_from_inside(void **s)
{
	(void)s;
	assert_int_equal(signal_action(SIGUSR1, true), ACT_HALT);      /* busybox halt */
	assert_int_equal(signal_action(SIGUSR2, true), ACT_POWEROFF);  /* busybox poweroff */
	assert_int_equal(signal_action(SIGTERM, true), ACT_REBOOT);    /* busybox reboot */
	assert_int_equal(signal_action(SIGINT, true), ACT_REBOOT);
	assert_int_equal(signal_action(SIGPWR, true), ACT_POWEROFF);
}

static void test_other_signals_do_nothing(void **s)
{
	(void)s;
	const int sigs[] = { SIGHUP, SIGCHLD, SIGWINCH, SIGQUIT, SIGALRM, 40, 64 };
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		assert_int_equal(signal_action(sigs[i], false), ACT_NONE);
		assert_int_equal(signal_action(sigs[i], true), ACT_NONE);
	}
}

static void test_signal_labels_name_rt_signals_as_glibc_numbers(void **s)
{
	(void)s;
	assert_string_equal(signal_label(37), "SIGRTMIN+3");
	assert_string_equal(signal_label(39), "SIGRTMIN+5");
	assert_string_equal(signal_label(SIGPWR), "SIGPWR");
}

static void test_endings_map_to_reboot_commands(void **s)
{
	(void)s;
	assert_int_equal((unsigned)ending_reboot_cmd(ACT_POWEROFF), (unsigned)RB_POWER_OFF);
	assert_int_equal((unsigned)ending_reboot_cmd(ACT_HALT), (unsigned)RB_HALT_SYSTEM);
	assert_int_equal((unsigned)ending_reboot_cmd(ACT_REBOOT), (unsigned)RB_AUTOBOOT);
}

static void test_endings_map_to_exit_statuses(void **s)
{
	(void)s;
	assert_int_equal(ending_exit_status(ACT_POWEROFF), 0);
	assert_int_equal(ending_exit_status(ACT_HALT), 0);
	assert_int_equal(ending_exit_status(ACT_REBOOT), 129);
	assert_string_equal(action_name(ACT_REBOOT), "reboot");
}

static void test_command_status_is_code_or_128_plus_signal(void **s)
{
	(void)s;
	assert_int_equal(exit_status_of(7 << 8), 7);
	assert_int_equal(exit_status_of(0), 0);
	assert_int_equal(exit_status_of(SIGKILL), 137);
	assert_int_equal(exit_status_of(SIGTERM), 143);
}

static void test_fmt_formats_and_truncates(void **s)
{
	(void)s;
	char buf[32];
	fmt(buf, sizeof(buf), "%s=%d/%u/%lld%%%c", "x", -42, 7u, -9000000000LL, '!');
	assert_string_equal(buf, "x=-42/7/-9000000000%!");
	assert_int_equal(fmt(buf, 6, "%s", "abcdefgh"), 5);
	assert_string_equal(buf, "abcde");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outside_signals_power_off),
		cmocka_unit_test(test_outside_signals_reboot),
		cmocka_unit_test(test_busybox_signals_from_inside),
		cmocka_unit_test(test_other_signals_do_nothing),
		cmocka_unit_test(test_signal_labels_name_rt_signals_as_glibc_numbers),
		cmocka_unit_test(test_endings_map_to_reboot_commands),
		cmocka_unit_test(test_endings_map_to_exit_statuses),
		cmocka_unit_test(test_command_status_is_code_or_128_plus_signal),
		cmocka_unit_test(test_fmt_formats_and_truncates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
