/* The /run/initctl decoder: sysvinit requests, junk, and awkward write sizes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "initctl.h"

static void make(unsigned char *rec, int magic, int cmd, int runlevel, int sleeptime, const char *data)
{
	int32_t f[4] = { magic, cmd, runlevel, sleeptime };
	memset(rec, 0, INITCTL_SIZE);
	memcpy(rec, f, sizeof(f));
	if (data)
		memcpy(rec + 16, data, strlen(data) + 1);
}

static unsigned feed(struct initctl *d, const void *p, size_t n, struct initctl_event *ev)
{
	return initctl_feed(d, p, n, ev, 8);
}

static void test_initctl_runlevel_0_powers_off(void **s)
{
	(void)s;
	struct initctl d;
	struct initctl_event ev[8];
	unsigned char rec[INITCTL_SIZE];
	initctl_init(&d);
	make(rec, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, '0', 0, NULL);
	assert_int_equal(feed(&d, rec, sizeof(rec), ev), 1);
	assert_int_equal(ev[0].kind, ICTL_RUNLEVEL);
	assert_int_equal(ev[0].action, ACT_POWEROFF);
}

static void test_initctl_runlevel_6_reboots(void **s)
{
	(void)s;
	struct initctl d;
	struct initctl_event ev[8];
	unsigned char rec[INITCTL_SIZE];
	initctl_init(&d);
	make(rec, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, '6', 0, NULL);
	assert_int_equal(feed(&d, rec, sizeof(rec), ev), 1);
	assert_int_equal(ev[0].action, ACT_REBOOT);
}

static void test_initctl_other_runlevels_are_ignored(void **s)
{
	(void)s;
	struct initctl d;
	struct initctl_event ev[8];
	unsigned char rec[INITCTL_SIZE];
	const char levels[] = "12345sSqQ";
	initctl_init(&d);
	for (const char *l = levels; *l; l++) {
		make(rec, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, *l, 0, NULL);
		assert_int_equal(feed(&d, rec, sizeof(rec), ev), 1);
		assert_int_equal(ev[0].kind, ICTL_RUNLEVEL);
		assert_int_equal(ev[0].action, ACT_NONE);
	}
}

static void test_initctl_init_halt_halt_then_runlevel_0_halts(void **s)
{
	(void)s;
	struct initctl d;
	struct initctl_event ev[8];
	unsigned char rec[INITCTL_SIZE];
	initctl_init(&d);
	make(rec, INITCTL_MAGIC, INITCTL_CMD_SETENV, 0, 0, "INIT_HALT=HALT");
	assert_int_equal(feed(&d, rec, sizeof(rec), ev), 1);
	assert_int_equal(ev[0].kind, ICTL_SETENV);
	make(rec, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, '0', 0, NULL);
	assert_int_equal(feed(&d, rec, sizeof(rec), ev), 1);
	assert_int_equal(ev[0].action, ACT_HALT);
	make(rec, INITCTL_MAGIC, INITCTL_CMD_SETENV, 0, 0, "INIT_HALT=POWEROFF");
	feed(&d, rec, sizeof(rec), ev);
	make(rec, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, '0', 0, NULL);
	feed(&d, rec, sizeof(rec), ev);
	assert_int_equal(ev[0].action, ACT_POWEROFF);
}

static void test_initctl_sleeptime_is_reported(void **s)
{
	(void)s;
	struct initctl d;
	struct initctl_event ev[8];
	unsigned char rec[INITCTL_SIZE];
	initctl_init(&d);
	make(rec, INITCTL_MAGIC, INITCTL_CMD_SETENV, 0, 7, "INIT_HALT=POWEROFF");
	assert_int_equal(feed(&d, rec, sizeof(rec), ev), 1);
	assert_int_equal(ev[0].sleeptime, 7);
	make(rec, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, '0', -3, NULL);
	feed(&d, rec, sizeof(rec), ev);
	assert_int_equal(ev[0].sleeptime, 0);
}

static void test_initctl_wrong_magic_is_invalid_poweroff(void **s)
{
	(void)s;
	struct initctl d;
	struct initctl_event ev[8];
	unsigned char rec[INITCTL_SIZE];
	initctl_init(&d);
	make(rec, 0x03091968, INITCTL_CMD_RUNLVL, '6', 0, NULL);
	assert_int_equal(feed(&d, rec, sizeof(rec), ev), 1);
	assert_int_equal(ev[0].kind, ICTL_INVALID);
	assert_int_equal(ev[0].action, ACT_POWEROFF);
}

static void test_initctl_short_junk_write_is_invalid_at_once(void **s)
{
	(void)s;
	struct initctl d;
	struct initctl_event ev[8];
	initctl_init(&d);
	assert_int_equal(feed(&d, "\n", 1, ev), 1);
	assert_int_equal(ev[0].kind, ICTL_INVALID);
	assert_int_equal(d.fill, 0);
}

static void test_initctl_long_junk_write_is_one_invalid(void **s)
{
	(void)s;
	struct initctl d;
	struct initctl_event ev[8];
	unsigned char junk[1000];
	memset(junk, 'x', sizeof(junk));
	initctl_init(&d);
	assert_int_equal(feed(&d, junk, sizeof(junk), ev), 1);
	assert_int_equal(ev[0].kind, ICTL_INVALID);
	assert_int_equal(d.fill, 0);
}

static void test_initctl_two_requests_in_one_read(void **s)
{
	(void)s;
	struct initctl d;
	struct initctl_event ev[8];
	unsigned char two[2 * INITCTL_SIZE];
	initctl_init(&d);
	make(two, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, '3', 0, NULL);
	make(two + INITCTL_SIZE, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, '6', 0, NULL);
	assert_int_equal(feed(&d, two, sizeof(two), ev), 2);
	assert_int_equal(ev[0].action, ACT_NONE);
	assert_int_equal(ev[1].action, ACT_REBOOT);
}

static void test_initctl_request_split_across_reads(void **s)
{
	(void)s;
	struct initctl d;
	struct initctl_event ev[8];
	unsigned char rec[INITCTL_SIZE];
	initctl_init(&d);
	make(rec, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, '0', 0, NULL);
	assert_int_equal(feed(&d, rec, 2, ev), 0);
	assert_int_equal(feed(&d, rec + 2, 200, ev), 0);
	assert_int_equal(feed(&d, rec + 202, INITCTL_SIZE - 202, ev), 1);
	assert_int_equal(ev[0].action, ACT_POWEROFF);
}

static void test_initctl_valid_request_then_junk_in_one_read(void **s)
{
	(void)s;
	struct initctl d;
	struct initctl_event ev[8];
	unsigned char buf[INITCTL_SIZE + 10];
	initctl_init(&d);
	make(buf, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, '6', 0, NULL);
	memset(buf + INITCTL_SIZE, 'z', 10);
	assert_int_equal(feed(&d, buf, sizeof(buf), ev), 2);
	assert_int_equal(ev[0].action, ACT_REBOOT);
	assert_int_equal(ev[1].kind, ICTL_INVALID);
}

static void test_initctl_unknown_command_is_ignored(void **s)
{
	(void)s;
	struct initctl d;
	struct initctl_event ev[8];
	unsigned char rec[INITCTL_SIZE];
	initctl_init(&d);
	make(rec, INITCTL_MAGIC, 2 /* POWERFAIL */, 0, 0, NULL);
	assert_int_equal(feed(&d, rec, sizeof(rec), ev), 1);
	assert_int_equal(ev[0].kind, ICTL_OTHER);
	assert_int_equal(ev[0].action, ACT_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initctl_runlevel_0_powers_off),
		cmocka_unit_test(test_initctl_runlevel_6_reboots),
		cmocka_unit_test(test_initctl_other_runlevels_are_ignored),
		cmocka_unit_test(test_initctl_init_halt_halt_then_runlevel_0_halts),
		cmocka_unit_test(test_initctl_sleeptime_is_reported),
		cmocka_unit_test(test_initctl_wrong_magic_is_invalid_poweroff),
		cmocka_unit_test(test_initctl_short_junk_write_is_invalid_at_once),
		cmocka_unit_test(test_initctl_long_junk_write_is_one_invalid),
		cmocka_unit_test(test_initctl_two_requests_in_one_read),
		cmocka_unit_test(test_initctl_request_split_across_reads),
		cmocka_unit_test(test_initctl_valid_request_then_junk_in_one_read),
		cmocka_unit_test(test_initctl_unknown_command_is_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
