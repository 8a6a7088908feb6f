/* Unit tests for hostside/limits.c: the limit keys, from config values to cgroup files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vnode.h"

static char why[256];

/* limit_parse of one value on a 2-CPU host; its return value, the value in *out. */
static int parse(enum limit i, const char *val, unsigned long long *out)
{
	struct vnode_limits l = { { 0 } };
	why[0] = 0;
	int r = limit_parse(i, val, 2, &l, why, sizeof(why));
	*out = l.v[i];
	return r;
}

static void memory_is_a_size_with_binary_units(void **state)
{
	(void)state;
	unsigned long long v;
	assert_int_equal(parse(LIM_MEMORY_MAX, "64M", &v), 0);
	assert_int_equal(v, 64ULL << 20);
	assert_int_equal(parse(LIM_MEMORY_HIGH, "2G", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(parse(LIM_MEMORY_MAX, "1048576", &v), 0);
	assert_int_equal(v, 1ULL << 20);
}

static void memory_refuses_words_and_tiny_sizes(void **state)
{
	(void)state;
	unsigned long long v;
	static const char *const bad[] = { "lots", "", "64MB", "-1", "512K", "0", "1.5G",
					   "99999999999999999999" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(LIM_MEMORY_MAX, bad[i], &v), -EINVAL);
		assert_non_null(strstr(why, "must be a size of at least 1M"));
	}
}

static void pids_is_a_count_or_max(void **state)
{
	(void)state;
	unsigned long long v;
	assert_int_equal(parse(LIM_PIDS_MAX, "64", &v), 0);
	assert_int_equal(v, 64);
	assert_int_equal(parse(LIM_PIDS_MAX, "max", &v), 0);
	assert_true(v == LIMIT_NONE);
	static const char *const bad[] = { "-1", "0", "4194305", "lots", "64k" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(LIM_PIDS_MAX, bad[i], &v), -EINVAL);
		assert_non_null(strstr(why, "must be a whole number from 1 to 4194304, or max"));
	}
}

static void cpu_is_a_percentage_or_a_number_of_cpus(void **state)
{
	(void)state;
	unsigned long long v;
	assert_int_equal(parse(LIM_CPU_MAX, "20%", &v), 0);
	assert_int_equal(v, 20000);
	assert_int_equal(parse(LIM_CPU_MAX, "1.5", &v), 0);
	assert_int_equal(v, 150000);
	assert_int_equal(parse(LIM_CPU_MAX, "2", &v), 0);
	assert_int_equal(v, 200000);
	assert_int_equal(parse(LIM_CPU_MAX, "200%", &v), 0);
	assert_int_equal(v, 200000);
}

static void cpu_above_the_hosts_cpus_is_refused(void **state)
{
	(void)state;
	unsigned long long v;
	assert_int_equal(parse(LIM_CPU_MAX, "300%", &v), -EINVAL);
	assert_string_equal(why, "300% is more than this host's 2 CPUs (200%)");
	assert_int_equal(parse(LIM_CPU_MAX, "2.5", &v), -EINVAL);
	static const char *const bad[] = { "0.5%", "0", "half", "50%%", "%", "-1", "1e9" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(LIM_CPU_MAX, bad[i], &v), -EINVAL);
		assert_non_null(strstr(why, "CPU"));
	}
}

static void weights_are_one_to_ten_thousand(void **state)
{
	(void)state;
	unsigned long long v;
	assert_int_equal(parse(LIM_CPU_WEIGHT, "1", &v), 0);
	assert_int_equal(parse(LIM_IO_WEIGHT, "10000", &v), 0);
	assert_int_equal(parse(LIM_CPU_WEIGHT, "0", &v), -EINVAL);
	assert_int_equal(parse(LIM_IO_WEIGHT, "10001", &v), -EINVAL);
	assert_non_null(strstr(why, "from 1 to 10000"));
}

static void each_limit_is_written_as_its_file_wants(void **state)
{
	(void)state;
	struct vnode_limits l = { { 0 } };
	char buf[64];
	l.v[LIM_MEMORY_MAX] = 64ULL << 20, l.v[LIM_CPU_MAX] = 20000, l.v[LIM_IO_WEIGHT] = 50;
	l.v[LIM_PIDS_MAX] = LIMIT_NONE;
	assert_int_equal(limit_format(&l, LIM_MEMORY_MAX, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "67108864");
	assert_int_equal(limit_format(&l, LIM_CPU_MAX, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "20000 100000");
	assert_int_equal(limit_format(&l, LIM_IO_WEIGHT, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "default 50");
	assert_int_equal(limit_format(&l, LIM_PIDS_MAX, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "max");
	assert_int_equal(limit_format(&l, LIM_MEMORY_HIGH, buf, sizeof(buf)), -1);
}

static void the_table_names_each_keys_controller_and_file(void **state)
{
	(void)state;
	for (unsigned i = 0; i < LIM_N; i++) {
		assert_non_null(limit_keys[i].key);
		assert_int_equal(strncmp(limit_keys[i].file, limit_keys[i].controller,
					 strlen(limit_keys[i].controller)), 0);
		/* a key of the config, so that a typo of it gets a did-you-mean */
		assert_string_equal(conf_suggest(limit_keys[i].key, strlen(limit_keys[i].key)),
				    limit_keys[i].key);
	}
}

static void memory_high_above_max_conflicts(void **state)
{
	(void)state;
	struct vnode_limits l = { { 0 } };
	l.v[LIM_MEMORY_MAX] = 64ULL << 20, l.v[LIM_MEMORY_HIGH] = 128ULL << 20;
	assert_int_equal(limits_conflict(&l), LIM_MEMORY_HIGH);
	l.v[LIM_MEMORY_HIGH] = 32ULL << 20;
	assert_int_equal(limits_conflict(&l), LIM_N);
}

static void pids_default_is_16384_at_most_an_eighth_of_pid_max(void **state)
{
	(void)state;
	assert_int_equal(pids_default(4194304), 16384);
	assert_int_equal(pids_default(32768), 4096);
}

static void shm_and_run_are_half_the_memory(void **state)
{
	(void)state;
	struct vnode_limits l = { { 0 } };
	assert_int_equal(limits_tmpfs_size(&l), 0);
	l.v[LIM_MEMORY_MAX] = 64ULL << 20;
	assert_int_equal(limits_tmpfs_size(&l), 32ULL << 20);
	l.v[LIM_MEMORY_HIGH] = 32ULL << 20;
	assert_int_equal(limits_tmpfs_size(&l), 16ULL << 20);
	l.v[LIM_MEMORY_MAX] = 0;
	assert_int_equal(limits_tmpfs_size(&l), 16ULL << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memory_is_a_size_with_binary_units),
		cmocka_unit_test(memory_refuses_words_and_tiny_sizes),
		cmocka_unit_test(pids_is_a_count_or_max),
		cmocka_unit_test(cpu_is_a_percentage_or_a_number_of_cpus),
		cmocka_unit_test(cpu_above_the_hosts_cpus_is_refused),
		cmocka_unit_test(weights_are_one_to_ten_thousand),
		cmocka_unit_test(each_limit_is_written_as_its_file_wants),
		cmocka_unit_test(the_table_names_each_keys_controller_and_file),
		cmocka_unit_test(memory_high_above_max_conflicts),
		cmocka_unit_test(pids_default_is_16384_at_most_an_eighth_of_pid_max),
		cmocka_unit_test(shm_and_run_are_half_the_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
