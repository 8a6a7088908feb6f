/* The libblkid partition reader on MBR and GPT images that sfdisk makes here. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vmount.h"

#define MiB (1024ULL * 1024)

static char dir[] = "/tmp/test_mount_partition.XXXXXX";
static char mbr[64], gpt[64], bare[64], err[512];

static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("setup command failed: %s", cmd);
}

/* MBR: 3 primaries of 4, 6, 2 MiB, an extended with 2 logicals (5, 6);
 * GPT: 3 partitions of 4, 6, 2 MiB; ext4 in partition 2 of both; bare: ext4. */
static int setup(void **s)
{
	(void)s;
	if (!mkdtemp(dir))
		return -1;
	snprintf(mbr, sizeof(mbr), "%s/mbr.raw", dir);
	snprintf(gpt, sizeof(gpt), "%s/gpt.raw", dir);
	snprintf(bare, sizeof(bare), "%s/bare.img", dir);
	const char *env = "PATH=/usr/sbin:/sbin:$PATH";
	sh("truncate -s 24M %s && printf 'label: dos\\n,4M\\n,6M\\n,2M\\n,,E\\n,2M\\n,2M\\n' | "
	   "%s sfdisk -q %s", mbr, env, mbr);
	sh("truncate -s 24M %s && printf 'label: gpt\\n,4M\\n,6M\\n,2M\\n' | %s sfdisk -q %s",
	   gpt, env, gpt);
	sh("%s mkfs.ext4 -q -F -E offset=%llu %s 6M", env, 5 * MiB, mbr);
	sh("%s mkfs.ext4 -q -F -E offset=%llu %s 6M", env, 5 * MiB, gpt);
	sh("truncate -s 4M %s && %s mkfs.ext4 -q -F %s", bare, env, bare);
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	sh("rm -rf %s", dir);
	return 0;
}

static void test_mbr_partition_2_range_and_ext4(void **s)
{
	struct vm_extent x;
	(void)s;
	assert_int_equal(vm_probe_image(mbr, 2, &x, err, sizeof(err)), 0);
	assert_int_equal(x.offset, 5 * MiB); /* 1 MiB alignment gap, then 4 MiB */
	assert_int_equal(x.size, 6 * MiB);
	assert_string_equal(x.fstype, "ext4");
	assert_int_equal(x.nparts, 6);
}

static void test_mbr_logical_partition_5(void **s)
{
	struct vm_extent x;
	(void)s;
	FILE *f = fopen(mbr, "r");
	assert_non_null(f);
	assert_int_equal(vm_probe_fd(fileno(f), 5, VM_PROBE_TABLE, &x, err, sizeof(err)), 0);
	fclose(f);
	assert_true(x.offset > 13 * MiB);
	assert_int_equal(x.size, 2 * MiB);
}

static void test_gpt_partitions_in_order(void **s)
{
	struct vm_extent x;
	(void)s;
	assert_int_equal(vm_probe_image(gpt, 2, &x, err, sizeof(err)), 0);
	assert_int_equal(x.offset, 5 * MiB);
	assert_int_equal(x.size, 6 * MiB);
	assert_string_equal(x.fstype, "ext4");
	assert_int_equal(x.nparts, 3);
	FILE *f = fopen(gpt, "r");
	assert_non_null(f);
	assert_int_equal(vm_probe_fd(fileno(f), 3, VM_PROBE_TABLE, &x, err, sizeof(err)), 0);
	fclose(f);
	assert_int_equal(x.offset, 11 * MiB);
	assert_int_equal(x.size, 2 * MiB);
}

static void test_partition_beyond_table_says_how_many(void **s)
{
	struct vm_extent x;
	(void)s;
	assert_int_equal(vm_probe_image(gpt, 4, &x, err, sizeof(err)), -ENXIO);
	assert_string_equal(err, "partition 4 does not exist (the table has 3)");
}

static void test_partition_on_bare_fs_has_no_table(void **s)
{
	struct vm_extent x;
	(void)s;
	assert_int_equal(vm_probe_image(bare, 1, &x, err, sizeof(err)), -ENXIO);
	assert_string_equal(err, "partition 1 requested, but the image has no partition table");
}

static void test_bare_fs_part_0(void **s)
{
	struct vm_extent x;
	(void)s;
	assert_int_equal(vm_probe_image(bare, 0, &x, err, sizeof(err)), 0);
	assert_int_equal(x.offset, 0);
	assert_int_equal(x.size, 0);
	assert_string_equal(x.fstype, "ext4");
}

static void test_empty_partition_has_no_filesystem(void **s)
{
	struct vm_extent x;
	(void)s;
	assert_int_equal(vm_probe_image(gpt, 1, &x, err, sizeof(err)), -ENOMEDIUM);
	assert_non_null(strstr(err, "no known filesystem at offset 1048576"));
}

static void test_part_0_of_partitioned_image_hints(void **s)
{
	struct vm_extent x;
	(void)s;
	assert_int_equal(vm_probe_image(mbr, 0, &x, err, sizeof(err)), -ENOMEDIUM);
	assert_non_null(strstr(err, "give a partition index"));
}

static void test_missing_image(void **s)
{
	struct vm_extent x;
	(void)s;
	assert_int_equal(vm_probe_image("/nonexistent/x.raw", 1, &x, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbr_partition_2_range_and_ext4),
		cmocka_unit_test(test_mbr_logical_partition_5),
		cmocka_unit_test(test_gpt_partitions_in_order),
		cmocka_unit_test(test_partition_beyond_table_says_how_many),
		cmocka_unit_test(test_partition_on_bare_fs_has_no_table),
		cmocka_unit_test(test_bare_fs_part_0),
		cmocka_unit_test(test_empty_partition_has_no_filesystem),
		cmocka_unit_test(test_part_0_of_partitioned_image_hints),
		cmocka_unit_test(test_missing_image),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
