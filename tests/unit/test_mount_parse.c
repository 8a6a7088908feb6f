/* DISKS and BINDS entries: what is accepted and what each refusal says. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "vmount.h"

static char err[512];

static void test_disk_plain_entry_parses(void **s)
{
	struct vm_disk d;
	(void)s;
	assert_int_equal(vm_parse_disk("vda:1:/disks/disk1.raw", &d, err, sizeof(err)), 0);
	assert_string_equal(d.node, "vda");
	assert_int_equal(d.part, 1);
	assert_string_equal(d.image, "/disks/disk1.raw");
	assert_false(d.ro);
}

static void test_disk_part_zero_is_bare_fs(void **s)
{
	struct vm_disk d;
	(void)s;
	assert_int_equal(vm_parse_disk("vdb:0:/x/fs.img", &d, err, sizeof(err)), 0);
	assert_int_equal(d.part, 0);
}

static void test_disk_ro_suffix(void **s)
{
	struct vm_disk d;
	(void)s;
	assert_int_equal(vm_parse_disk("vda:2:/d/a.raw:ro", &d, err, sizeof(err)), 0);
	assert_true(d.ro);
	assert_string_equal(d.image, "/d/a.raw");
}

static void test_disk_image_may_contain_colons(void **s)
{
	struct vm_disk d;
	(void)s;
	assert_int_equal(vm_parse_disk("vda:1:/d/a:b.raw", &d, err, sizeof(err)), 0);
	assert_string_equal(d.image, "/d/a:b.raw");
}

static void expect_disk_error(const char *text, const char *needle)
{
	struct vm_disk d;
	assert_int_equal(vm_parse_disk(text, &d, err, sizeof(err)), -EINVAL);
	if (!strstr(err, needle))
		fail_msg("\"%s\": expected \"%s\" in \"%s\"", text, needle, err);
	assert_null(strchr(err, '\n'));
}

static void test_disk_errors_name_the_entry(void **s)
{
	(void)s;
	expect_disk_error("vda", "expected node:part:image");
	expect_disk_error("vda:1", "expected node:part:image");
	expect_disk_error("vda:x:/a", "partition index \"x\"");
	expect_disk_error("vda:-1:/a", "partition index \"-1\"");
	expect_disk_error("vda::/a", "partition index \"\"");
	expect_disk_error("vda:256:/a", "partition index \"256\"");
	expect_disk_error("vda:1:rel/a.raw", "not an absolute path");
	expect_disk_error("vda:1:", "not an absolute path");
}

static void test_disk_node_must_be_plain_word(void **s)
{
	(void)s;
	expect_disk_error("../etc:1:/a", "not a plain word");
	expect_disk_error("v/da:1:/a", "not a plain word");
	expect_disk_error(":1:/a", "not a plain word");
	expect_disk_error("Vda:1:/a", "not a plain word");
	expect_disk_error("1vda:1:/a", "not a plain word");
	expect_disk_error("vd a:1:/a", "not a plain word");
	expect_disk_error("null:0:/a", "not a plain word");
	expect_disk_error("console:0:/a", "not a plain word");
	expect_disk_error("sd1:1:/a", "not a plain word");
	expect_disk_error("abcdefghijklmnopq:1:/a", "not a plain word");
}

static void test_node_name_rules(void **s)
{
	(void)s;
	assert_true(vm_node_name_ok("vda"));
	assert_true(vm_node_name_ok("xvd_b"));
	assert_false(vm_node_name_ok(""));
	assert_false(vm_node_name_ok("pts"));
	assert_false(vm_node_name_ok("vda1"));
}

static void test_bind_rw_and_ro(void **s)
{
	struct vm_bind b;
	(void)s;
	assert_int_equal(vm_parse_bind("/usr:/usr", &b, err, sizeof(err)), 0);
	assert_string_equal(b.src, "/usr");
	assert_string_equal(b.dst, "/usr");
	assert_false(b.ro);
	assert_int_equal(vm_parse_bind("/proj/x:/proj:ro", &b, err, sizeof(err)), 0);
	assert_string_equal(b.src, "/proj/x");
	assert_string_equal(b.dst, "/proj");
	assert_true(b.ro);
}

static void expect_bind_error(const char *text, const char *needle)
{
	struct vm_bind b;
	assert_int_equal(vm_parse_bind(text, &b, err, sizeof(err)), -EINVAL);
	if (!strstr(err, needle))
		fail_msg("\"%s\": expected \"%s\" in \"%s\"", text, needle, err);
}

static void test_bind_errors(void **s)
{
	(void)s;
	expect_bind_error("/usr", "expected /host/path:/path/in/vnode");
	expect_bind_error("/a:/b:rw", "expected /host/path:/path/in/vnode");
	expect_bind_error("usr:/usr", "source \"usr\"");
	expect_bind_error("/usr:usr", "target \"usr\"");
	expect_bind_error("/usr:/", "target \"/\"");
	expect_bind_error("/usr:/a/../../etc", "target \"/a/../../etc\"");
	expect_bind_error("/usr/./x:/a", "source \"/usr/./x\"");
	expect_bind_error(":/a", "source \"\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk_plain_entry_parses),
		cmocka_unit_test(test_disk_part_zero_is_bare_fs),
		cmocka_unit_test(test_disk_ro_suffix),
		cmocka_unit_test(test_disk_image_may_contain_colons),
		cmocka_unit_test(test_disk_errors_name_the_entry),
		cmocka_unit_test(test_disk_node_must_be_plain_word),
		cmocka_unit_test(test_node_name_rules),
		cmocka_unit_test(test_bind_rw_and_ro),
		cmocka_unit_test(test_bind_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
