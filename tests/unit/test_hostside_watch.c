/* Unit tests for the watcher's decisions (hostside/monitor/decide.c) and the verb
 * table (hostside/verb.c): which signal means what, which request moves the watcher
 * where, and what an init's end leads to: a reboot, a back-off, a kill, the end. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "monitor/monitor.h"

/* Wait statuses as waitpid gives them. */
#define KILLED_BY(sig) (sig)
#define EXITED(code) ((code) << 8)

static void signals_keep_vnodesetups_contract(void **state)
{
	(void)state;
	assert_int_equal(verb_of_signal(SIGTERM), VERB_HALT);
	assert_int_equal(verb_of_signal(SIGHUP), VERB_HALT);
	assert_int_equal(verb_of_signal(SIGINT), VERB_HALT);
	assert_int_equal(verb_of_signal(SIGUSR1), VERB_KILL);
	assert_int_equal(verb_of_signal(SIGUSR2), VERB_REBOOT);
	assert_int_equal(verb_of_signal(SIGCHLD), -1);
	assert_int_equal(verb_of_signal(SIGWINCH), -1);
	assert_int_equal(verb_of_signal(0), -1);
}

static void verbs_by_name_and_what_they_send(void **state)
{
	(void)state;
	assert_int_equal(verb_by_name("kill"), VERB_KILL);
	assert_int_equal(verb_by_name("reboot"), VERB_REBOOT);
	assert_int_equal(verb_by_name("halt"), VERB_HALT);
	assert_int_equal(verb_by_name("boot"), VERB_BOOT);
	assert_int_equal(verb_by_name("frob"), -1);
	assert_int_equal(verb_by_name(NULL), -1);
	/* vinit: TERM powers off, INT reboots */
	assert_int_equal(verbs[VERB_HALT].init_sig, SIGTERM);
	assert_int_equal(verbs[VERB_REBOOT].init_sig, SIGINT);
	assert_int_equal(verbs[VERB_KILL].init_sig, SIGKILL);
	for (int v = 0; v < NVERBS; v++)
		if (verbs[v].monitor_sig)
			assert_int_equal(verb_of_signal(verbs[v].monitor_sig), v);
}

static void requests_move_the_state(void **state)
{
	(void)state;
	assert_int_equal(watch_request(WATCH_UP, VERB_HALT), WATCH_HALTING);
	assert_int_equal(watch_request(WATCH_UP, VERB_REBOOT), WATCH_REBOOTING);
	assert_int_equal(watch_request(WATCH_UP, VERB_KILL), WATCH_KILLING);
	assert_int_equal(watch_request(WATCH_UP, VERB_BOOT), WATCH_UP);
	/* a halt overrides a reboot; a kill overrides anything */
	assert_int_equal(watch_request(WATCH_REBOOTING, VERB_HALT), WATCH_HALTING);
	assert_int_equal(watch_request(WATCH_HALTING, VERB_KILL), WATCH_KILLING);
	assert_int_equal(watch_request(WATCH_REBOOTING, VERB_KILL), WATCH_KILLING);
	/* nothing undoes a stop, or a kill */
	assert_int_equal(watch_request(WATCH_HALTING, VERB_REBOOT), WATCH_HALTING);
	assert_int_equal(watch_request(WATCH_HALTING, VERB_HALT), WATCH_HALTING);
	assert_int_equal(watch_request(WATCH_KILLING, VERB_HALT), WATCH_KILLING);
	assert_int_equal(watch_request(WATCH_KILLING, VERB_REBOOT), WATCH_KILLING);
	assert_int_equal(watch_request(WATCH_REBOOTING, VERB_REBOOT), WATCH_REBOOTING);
	assert_int_equal(watch_verb(WATCH_HALTING), VERB_HALT);
	assert_int_equal(watch_verb(WATCH_REBOOTING), VERB_REBOOT);
}

static void end_after_a_request(void **state)
{
	(void)state;
	struct watch_next n = watch_ended(WATCH_KILLING, KILLED_BY(SIGKILL), 100, 0);
	assert_int_equal(n.what, END_KILL);
	n = watch_ended(WATCH_HALTING, KILLED_BY(SIGINT), 100, 0);
	assert_int_equal(n.what, END_DOWN);
	/* halted, even if the init then asked for a reboot */
	n = watch_ended(WATCH_HALTING, KILLED_BY(SIGHUP), 100, 0);
	assert_int_equal(n.what, END_DOWN);
	/* an operator's reboot has no back-off, however soon */
	n = watch_ended(WATCH_REBOOTING, KILLED_BY(SIGHUP), 100, 4000);
	assert_int_equal(n.what, END_REBOOT);
	assert_int_equal(n.delay_ms, 0);
	/* the stubborn init SIGKILLed after STOP_TIMEOUT still reboots */
	n = watch_ended(WATCH_REBOOTING, KILLED_BY(SIGKILL), 100, 0);
	assert_int_equal(n.what, END_REBOOT);
}

static void end_by_itself(void **state)
{
	(void)state;
	assert_int_equal(watch_ended(WATCH_UP, KILLED_BY(SIGINT), 100, 0).what, END_DOWN);
	assert_int_equal(watch_ended(WATCH_UP, EXITED(0), 100, 0).what, END_DOWN);
	assert_int_equal(watch_ended(WATCH_UP, EXITED(129), 100, 0).what, END_DOWN);
	assert_int_equal(watch_ended(WATCH_UP, KILLED_BY(SIGSEGV), 100, 0).what, END_DOWN);
	struct watch_next n = watch_ended(WATCH_UP, KILLED_BY(SIGHUP), CRASH_LOOP_S * 1000, 8000);
	assert_int_equal(n.what, END_REBOOT);
	assert_int_equal(n.delay_ms, 0);  /* up long enough: no crash loop */
}

static void a_crash_loop_backs_off_doubling_to_a_ceiling(void **state)
{
	(void)state;
	int d = 0, seen[12];
	for (int i = 0; i < 12; i++) {
		struct watch_next n = watch_ended(WATCH_UP, KILLED_BY(SIGHUP), 50, d);
		assert_int_equal(n.what, END_REBOOT);
		seen[i] = d = n.delay_ms;
	}
	assert_int_equal(seen[0], BACKOFF_MIN_MS);
	assert_int_equal(seen[1], 2 * BACKOFF_MIN_MS);
	assert_int_equal(seen[2], 4 * BACKOFF_MIN_MS);
	assert_int_equal(seen[11], BACKOFF_MAX_MS);
	assert_int_equal(watch_ended(WATCH_UP, KILLED_BY(SIGHUP), CRASH_LOOP_S * 1000 - 1, 250).delay_ms,
			 500);
}

static const char *ending(int wstatus)
{
	static char buf[80];
	watch_ending(wstatus, buf, sizeof(buf));
	return buf;
}

static void endings_for_the_log(void **state)
{
	(void)state;
	assert_string_equal(ending(KILLED_BY(SIGINT)), "powered off");
	assert_string_equal(ending(KILLED_BY(SIGHUP)), "rebooted");
	assert_string_equal(ending(KILLED_BY(SIGKILL)), "killed");
	assert_string_equal(ending(EXITED(0)), "init exited");
	assert_string_equal(ending(EXITED(3)), "init exited with status 3");
	assert_string_equal(ending(KILLED_BY(SIGSEGV)), "init died (killed by signal 11, Segmentation fault)");
}

static void an_unasked_end_other_than_poweroff_reboot_or_exit_0_fails(void **state)
{
	(void)state;
	assert_false(watch_failed(WATCH_UP, KILLED_BY(SIGINT)));
	assert_false(watch_failed(WATCH_UP, KILLED_BY(SIGHUP)));
	assert_false(watch_failed(WATCH_UP, EXITED(0)));
	assert_true(watch_failed(WATCH_UP, EXITED(3)));
	assert_true(watch_failed(WATCH_UP, KILLED_BY(SIGSEGV)));
	assert_true(watch_failed(WATCH_UP, KILLED_BY(SIGKILL)));
	assert_false(watch_failed(WATCH_HALTING, KILLED_BY(SIGKILL)));  /* after the stop timeout */
	assert_false(watch_failed(WATCH_KILLING, KILLED_BY(SIGKILL)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signals_keep_vnodesetups_contract),
		cmocka_unit_test(verbs_by_name_and_what_they_send),
		cmocka_unit_test(requests_move_the_state),
		cmocka_unit_test(end_after_a_request),
		cmocka_unit_test(end_by_itself),
		cmocka_unit_test(a_crash_loop_backs_off_doubling_to_a_ceiling),
		cmocka_unit_test(endings_for_the_log),
		cmocka_unit_test(an_unasked_end_other_than_poweroff_reboot_or_exit_0_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
