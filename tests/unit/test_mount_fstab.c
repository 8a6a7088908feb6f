/* vm_fstab_parse: which lines of an image's fstab the launcher mounts, and with
 * what; a hostile line is refused naming its line number. */
#include <errno.h>
#include <linux/mount.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmount.h"

static struct vm_config cfg;
static struct vm_fsent e[VM_MAX_FSTAB];
static unsigned n;
static char err[512];

static int setup(void **s)
{
	(void)s;
	memset(&cfg, 0, sizeof(cfg));
	cfg.ndisks = 3;
	strcpy(cfg.disks[0].node, "vda"), cfg.disks[0].part = 1;
	strcpy(cfg.disks[1].node, "vdb"), cfg.disks[1].part = 2;
	strcpy(cfg.disks[2].node, "vdc"), cfg.disks[2].part = 0;
	return 0;
}

static int parse(const char *text)
{
	return vm_fstab_parse(text, &cfg, e, VM_MAX_FSTAB, &n, err, sizeof(err));
}

static void test_fstab_names_disk_nodes_by_partition(void **s)
{
	(void)s;
	assert_int_equal(parse("# dev dir type opts\n"
			       "/dev/vda1 / ext4 defaults 0 1\n"
			       "proc /proc proc nosuid 0 0\n"
			       "/dev/vdb2 /data ext4 defaults,nofail 0 2\n"
			       "/dev/vdc /srv/x auto ro\n"), 0);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].line, 4);
	assert_int_equal(e[0].disk, 1);
	assert_string_equal(e[0].dir, "/data");
	assert_string_equal(e[0].type, "ext4");
	assert_true(e[0].nofail);
	assert_int_equal(e[0].attrs, MOUNT_ATTR_NODEV);
	assert_int_equal(e[1].disk, 2);
	assert_string_equal(e[1].type, "auto");
	assert_int_equal(e[1].attrs, MOUNT_ATTR_NODEV | MOUNT_ATTR_RDONLY);
	assert_false(e[1].nofail);
}

static void test_fstab_other_names_are_not_ours(void **s)
{
	(void)s;
	/* /dev/vdb is not /dev/vdb2, the root line is not a disk mount, noauto and swap */
	assert_int_equal(parse("/dev/vdb /data ext4 defaults\n/dev/vda1 /boot ext4 defaults\n"
			       "/dev/vdb2 /x ext4 noauto\n/dev/vdb2 none swap sw\n"
			       "UUID=1234 /y ext4 defaults\n"), 0);
	assert_int_equal(n, 0);
}

static void test_fstab_generic_options_become_attributes(void **s)
{
	(void)s;
	assert_int_equal(parse("/dev/vdb2 /data ext4 rw,nosuid,noexec,noatime,dev,x-systemd.foo\n"), 0);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].attrs, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC |
					     MOUNT_ATTR_NOATIME);
	assert_string_equal(e[0].opts, "");
}

static void test_fstab_ext_options_pass_only_for_ext(void **s)
{
	(void)s;
	assert_int_equal(parse("/dev/vdb2 /data ext4 data=journal,commit=30,errors=remount-ro\n"), 0);
	assert_string_equal(e[0].opts, "data=journal,commit=30,errors=remount-ro");
	assert_int_equal(parse("/dev/vdb2 /data xfs data=journal\n"), -EINVAL);
	assert_non_null(strstr(err, "line 1: option \"data=journal\" is not one vnode passes"));
}

static void test_fstab_errors_panic_is_refused(void **s)
{
	(void)s;
	assert_int_equal(parse("\n/dev/vdb2 /data ext4 defaults,errors=panic\n"), -EINVAL);
	assert_non_null(strstr(err, "line 2: option errors=panic would let this disk panic the host"));
}

static void test_fstab_unknown_option_is_refused(void **s)
{
	(void)s;
	assert_int_equal(parse("/dev/vdb2 /data ext4 usrquota\n"), -EINVAL);
	assert_non_null(strstr(err, "line 1: option \"usrquota\""));
}

static void test_fstab_mount_points_must_be_clean_and_not_the_launchers(void **s)
{
	(void)s;
	const char *bad[] = { "/dev/vdb2 data ext4 defaults\n", "/dev/vdb2 /a/../b ext4 defaults\n",
			      "/dev/vdb2 /proc ext4 defaults\n", "/dev/vdb2 /dev/x ext4 defaults\n",
			      "/dev/vdb2 /sys ext4 defaults\n", "/dev/vdb2 // ext4 defaults\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i]), -EINVAL);
		assert_non_null(strstr(err, "line 1: /dev/vdb2: mount point"));
	}
	assert_int_equal(parse("/dev/vdb2 /devices ext4 defaults\n"), 0);
	assert_int_equal(n, 1);
}

static void test_fstab_octal_escapes_in_the_mount_point(void **s)
{
	(void)s;
	assert_int_equal(parse("/dev/vdb2 /my\\040data ext4 defaults\n"), 0);
	assert_string_equal(e[0].dir, "/my data");
}

static void test_fstab_bad_type_and_long_line(void **s)
{
	(void)s;
	assert_int_equal(parse("/dev/vdb2 /data EXT4;rm defaults\n"), -EINVAL);
	assert_non_null(strstr(err, "is not a filesystem type"));
	char big[2000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(parse(big), -EINVAL);
	assert_non_null(strstr(err, "line 1: longer than"));
}

static void test_fstab_too_many_disk_lines(void **s)
{
	(void)s;
	char text[4096] = "";
	for (int i = 0; i <= VM_MAX_FSTAB; i++)
		strcat(text, "/dev/vdb2 /data ext4 defaults\n");
	assert_int_equal(parse(text), -EINVAL);
	assert_non_null(strstr(err, "more than 16 disk mounts"));
}

static void test_disk_node_names(void **s)
{
	(void)s;
	char buf[48];
	vm_disk_node(&cfg.disks[1], buf, sizeof(buf));
	assert_string_equal(buf, "vdb2");
	vm_disk_node(&cfg.disks[2], buf, sizeof(buf));
	assert_string_equal(buf, "vdc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fstab_names_disk_nodes_by_partition, setup),
		cmocka_unit_test_setup(test_fstab_other_names_are_not_ours, setup),
		cmocka_unit_test_setup(test_fstab_generic_options_become_attributes, setup),
		cmocka_unit_test_setup(test_fstab_ext_options_pass_only_for_ext, setup),
		cmocka_unit_test_setup(test_fstab_errors_panic_is_refused, setup),
		cmocka_unit_test_setup(test_fstab_unknown_option_is_refused, setup),
		cmocka_unit_test_setup(test_fstab_mount_points_must_be_clean_and_not_the_launchers, setup),
		cmocka_unit_test_setup(test_fstab_octal_escapes_in_the_mount_point, setup),
		cmocka_unit_test_setup(test_fstab_bad_type_and_long_line, setup),
		cmocka_unit_test_setup(test_fstab_too_many_disk_lines, setup),
		cmocka_unit_test_setup(test_disk_node_names, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
