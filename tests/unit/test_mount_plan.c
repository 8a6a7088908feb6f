/* Root mode selection and the mount tables, without root. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mount.h>
#include <cmocka.h>

#include "vmount.h"

static char err[512];
static struct vm_config cfg;
static struct vm_plan plan;

static int setup(void **s)
{
	(void)s;
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = "pc1";
	cfg.dir = "/v/pc1";
	return 0;
}

static void test_disks_select_disk_mode_even_with_base_and_img(void **s)
{
	(void)s;
	cfg.ndisks = 1;
	cfg.base = "/b";
	assert_int_equal(vm_select_mode(&cfg, true), VM_MODE_DISK);
}

static void test_img_selects_image_mode_before_base(void **s)
{
	(void)s;
	cfg.base = "/b";
	assert_int_equal(vm_select_mode(&cfg, true), VM_MODE_IMAGE);
	assert_int_equal(vm_select_mode(&cfg, false), VM_MODE_OVERLAY);
}

static void test_nothing_selects_bind_mode(void **s)
{
	(void)s;
	assert_int_equal(vm_select_mode(&cfg, false), VM_MODE_BIND);
	assert_string_equal(vm_mode_name(VM_MODE_BIND), "bind");
}

static void test_disk_mode_mounts_disk0_on_live(void **s)
{
	(void)s;
	cfg.ndisks = 2;
	strcpy(cfg.disks[0].image, "/d/a.raw");
	cfg.disks[0].ro = true;
	assert_int_equal(vm_plan_root(&cfg, false, NULL, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.n, 1);
	assert_int_equal(plan.m[0].disk, 0);
	assert_string_equal(plan.m[0].what, "/d/a.raw");
	assert_string_equal(plan.m[0].where, "/v/pc1/live");
	assert_null(plan.m[0].type); /* probed at build time */
	assert_int_equal(plan.m[0].flags, MS_RDONLY);
	assert_true(plan.m[0].fatal);
}

static void test_bind_mode_rbinds_root(void **s)
{
	(void)s;
	assert_int_equal(vm_plan_root(&cfg, false, NULL, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.mode, VM_MODE_BIND);
	assert_int_equal(plan.n, 1);
	assert_int_equal(plan.m[0].disk, VM_DISK_NONE);
	assert_string_equal(plan.m[0].what, "/v/pc1/root");
	assert_string_equal(plan.m[0].where, "/v/pc1/live");
	assert_int_equal(plan.m[0].flags, MS_BIND | MS_REC);
}

static void test_overlay_mode_puts_root_over_base(void **s)
{
	(void)s;
	cfg.base = "/bases/deb12";
	assert_int_equal(vm_plan_root(&cfg, false, NULL, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.n, 1);
	assert_string_equal(plan.m[0].type, "overlay");
	assert_string_equal(plan.m[0].where, "/v/pc1/live");
	assert_string_equal(plan.m[0].opts,
			    "lowerdir=/bases/deb12,upperdir=/v/pc1/root,workdir=/v/pc1/work");
}

static void test_image_mode_mounts_img_then_overlay_from_mnt(void **s)
{
	(void)s;
	cfg.base = "/b";
	assert_int_equal(vm_plan_root(&cfg, true, NULL, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.mode, VM_MODE_IMAGE);
	assert_int_equal(plan.n, 2);
	assert_int_equal(plan.m[0].disk, VM_DISK_IMG);
	assert_string_equal(plan.m[0].what, "/v/pc1/pc1.img");
	assert_string_equal(plan.m[0].where, "/v/pc1/mnt");
	assert_string_equal(plan.m[1].opts,
			    "lowerdir=/b,upperdir=/v/pc1/mnt/root,workdir=/v/pc1/mnt/work");
	assert_string_equal(plan.m[1].where, "/v/pc1/live");
}

static void test_image_mode_without_base_binds_mnt_root(void **s)
{
	(void)s;
	assert_int_equal(vm_plan_root(&cfg, true, NULL, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.n, 2);
	assert_string_equal(plan.m[1].what, "/v/pc1/mnt/root");
	assert_int_equal(plan.m[1].flags, MS_BIND | MS_REC);
}

static void test_overlay_refuses_separator_in_base(void **s)
{
	(void)s;
	cfg.base = "/b,upperdir=/etc";
	assert_int_equal(vm_plan_root(&cfg, false, NULL, &plan, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "BASE /b,upperdir=/etc"));
}

static void test_dev_table_holds_the_listed_nodes(void **s)
{
	static const char *const want[] = { "null", "zero", "full", "random", "urandom",
					    "tty", "net/tun" };
	(void)s;
	assert_int_equal(vm_ndevnodes, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < vm_ndevnodes; i++)
		assert_string_equal(vm_devnodes[i].name, want[i]);
	assert_int_equal(vm_devnodes[0].major, 1);
	assert_int_equal(vm_devnodes[0].minor, 3);
	assert_string_equal(vm_devlinks[0].name, "ptmx");
	assert_string_equal(vm_devlinks[0].target, "pts/ptmx");
}

/* /dev itself comes from vm_prepare (a user namespace may not mknod); the table
 * mounts on it, so its first entry is under /dev. */
static void test_fixed_mounts_dev_first_and_private_devpts(void **s)
{
	(void)s;
	assert_string_equal(vm_fixed_mounts[0].where, "dev/pts");
	for (unsigned i = 0; i < vm_nfixed_mounts; i++) {
		if (!strcmp(vm_fixed_mounts[i].type, "devpts"))
			assert_non_null(strstr(vm_fixed_mounts[i].opts, "newinstance"));
		if (!strcmp(vm_fixed_mounts[i].where, "sys")) {
			assert_true(vm_fixed_mounts[i].attrs & MOUNT_ATTR_RDONLY);
			assert_true(vm_fixed_mounts[i].fatal);
		}
		if (!strcmp(vm_fixed_mounts[i].where, "/proc"))
			assert_true(vm_fixed_mounts[i].fatal);
	}
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_disks_select_disk_mode_even_with_base_and_img),
		T(test_img_selects_image_mode_before_base),
		T(test_nothing_selects_bind_mode),
		T(test_disk_mode_mounts_disk0_on_live),
		T(test_bind_mode_rbinds_root),
		T(test_overlay_mode_puts_root_over_base),
		T(test_image_mode_mounts_img_then_overlay_from_mnt),
		T(test_image_mode_without_base_binds_mnt_root),
		T(test_overlay_refuses_separator_in_base),
		T(test_dev_table_holds_the_listed_nodes),
		T(test_fixed_mounts_dev_first_and_private_devpts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
