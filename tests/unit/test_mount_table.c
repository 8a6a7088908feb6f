/* vm_check_table: a hostile partition table is refused, naming the entry. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmount.h"

#define MiB (1024ULL * 1024)
static char err[512];

static void test_table_inside_image_is_fine(void **s)
{
	(void)s;
	struct vm_part e[] = { { 1, 2048, 2048, false }, { 2, 4096, 2048, false } };
	assert_int_equal(vm_check_table(e, 2, 4 * MiB, err, sizeof(err)), 0);
}

static void test_table_entry_beyond_the_end_is_named(void **s)
{
	(void)s;
	struct vm_part e[] = { { 1, 2048, 2048, false }, { 2, 4096, 4097, false } };
	assert_int_equal(vm_check_table(e, 2, 4 * MiB, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "entry 2 (bytes 2097152..4194816) ends beyond the image (4194304 bytes)"));
}

static void test_table_entry_ending_exactly_at_the_end_is_fine(void **s)
{
	(void)s;
	struct vm_part e[] = { { 1, 2048, 6144, false } };
	assert_int_equal(vm_check_table(e, 1, 4 * MiB, err, sizeof(err)), 0);
}

static void test_table_overlapping_entries_are_named(void **s)
{
	(void)s;
	struct vm_part e[] = { { 1, 2048, 4096, false }, { 2, 4000, 1024, false } };
	assert_int_equal(vm_check_table(e, 2, 8 * MiB, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "entry 2"));
	assert_non_null(strstr(err, "overlaps entry 1"));
}

static void test_table_adjacent_entries_do_not_overlap(void **s)
{
	(void)s;
	struct vm_part e[] = { { 1, 2048, 2048, false }, { 2, 4096, 2048, false } };
	assert_int_equal(vm_check_table(e, 2, 8 * MiB, err, sizeof(err)), 0);
}

static void test_table_logicals_inside_their_extended_are_fine(void **s)
{
	(void)s;
	struct vm_part e[] = { { 1, 2048, 2048, false }, { 2, 4096, 8192, true },
			       { 5, 6144, 2048, false }, { 6, 10240, 2048, false } };
	assert_int_equal(vm_check_table(e, 4, 8 * MiB, err, sizeof(err)), 0);
}

static void test_table_overflowing_entry_is_named(void **s)
{
	(void)s;
	struct vm_part e[] = { { 3, UINT64_MAX / 256, 16, false } };
	assert_int_equal(vm_check_table(e, 1, 8 * MiB, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "entry 3"));
	assert_non_null(strstr(err, "overflows"));
	struct vm_part f[] = { { 4, (UINT64_MAX / 512) - 1, 2, false } };
	assert_int_equal(vm_check_table(f, 1, 8 * MiB, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "entry 4"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_inside_image_is_fine),
		cmocka_unit_test(test_table_entry_beyond_the_end_is_named),
		cmocka_unit_test(test_table_entry_ending_exactly_at_the_end_is_fine),
		cmocka_unit_test(test_table_overlapping_entries_are_named),
		cmocka_unit_test(test_table_adjacent_entries_do_not_overlap),
		cmocka_unit_test(test_table_logicals_inside_their_extended_are_fine),
		cmocka_unit_test(test_table_overflowing_entry_is_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
