/* Unit tests for hostside/caps.c: CAPS_DROP and CAPS_KEEP into the bounding-set mask. */
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vnode.h"

static char err[512];

#define BIT(cap) (1ULL << (cap))

/* caps_parse over a config text; its return value. */
static int parse(const char *text, unsigned long long *drop)
{
	struct conf c;
	char perr[512];
	if (conf_parse("/v/config", text, strlen(text), &c, perr, sizeof(perr)) < 0) {
		print_error("config did not parse: %s\n", perr);
		fail();
	}
	err[0] = 0;
	int r = caps_parse(&c, drop, err, sizeof(err));
	conf_free(&c);
	return r;
}

static void default_drops_lxcs_set_and_keeps_sys_boot(void **state)
{
	(void)state;
	unsigned long long drop = 0;
	assert_int_equal(parse("NETWORK=none\n", &drop), 0);
	assert_true(drop & BIT(CAP_SYS_MODULE));
	assert_true(drop & BIT(CAP_SYS_TIME));
	assert_true(drop & BIT(CAP_MAC_ADMIN));
	assert_true(drop & BIT(CAP_SYSLOG));
	assert_false(drop & BIT(CAP_SYS_BOOT));  /* how vinit tells its parent how it ended */
	assert_false(drop & BIT(CAP_SYS_ADMIN));
	assert_false(drop & BIT(CAP_NET_ADMIN));
}

static void drop_takes_names_with_or_without_cap_(void **state)
{
	(void)state;
	unsigned long long drop = 0;
	assert_int_equal(parse("CAPS_DROP=( net_admin CAP_SYS_ADMIN Cap_Mknod )\n", &drop), 0);
	assert_int_equal(drop, BIT(CAP_NET_ADMIN) | BIT(CAP_SYS_ADMIN) | BIT(CAP_MKNOD));
}

static void empty_drop_drops_nothing(void **state)
{
	(void)state;
	unsigned long long drop = 1;
	assert_int_equal(parse("CAPS_DROP=()\n", &drop), 0);
	assert_int_equal(drop, 0);
}

static void keep_drops_all_the_rest(void **state)
{
	(void)state;
	unsigned long long drop = 0;
	assert_int_equal(parse("CAPS_KEEP=( sys_boot kill )\n", &drop), 0);
	assert_false(drop & BIT(CAP_SYS_BOOT));
	assert_false(drop & BIT(CAP_KILL));
	assert_true(drop & BIT(CAP_SYS_ADMIN));
	assert_true(drop & BIT(CAP_CHOWN));
	assert_int_equal(drop, ~(BIT(CAP_SYS_BOOT) | BIT(CAP_KILL)));
}

static void unknown_name_is_refused_by_name(void **state)
{
	(void)state;
	unsigned long long drop = 0;
	assert_int_equal(parse("CAPS_DROP=( net_admin frobnicate )\n", &drop), -EINVAL);
	assert_string_equal(err, "CAPS_DROP: \"frobnicate\" is not a capability name (see capabilities(7))");
	assert_int_equal(parse("CAPS_KEEP=( cap_ )\n", &drop), -EINVAL);
	assert_non_null(strstr(err, "CAPS_KEEP: \"cap_\""));
}

static void drop_and_keep_exclude_each_other(void **state)
{
	(void)state;
	unsigned long long drop = 0;
	assert_int_equal(parse("CAPS_DROP=( net_admin )\nCAPS_KEEP=( kill )\n", &drop), -EINVAL);
	assert_string_equal(err, "CAPS_DROP and CAPS_KEEP exclude each other");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_drops_lxcs_set_and_keeps_sys_boot),
		cmocka_unit_test(drop_takes_names_with_or_without_cap_),
		cmocka_unit_test(empty_drop_drops_nothing),
		cmocka_unit_test(keep_drops_all_the_rest),
		cmocka_unit_test(unknown_name_is_refused_by_name),
		cmocka_unit_test(drop_and_keep_exclude_each_other),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
