/* Unit tests for hostside/idmap.c: the pool of uid and gid ranges, read from the
 * vnode user's line of /etc/subuid or /etc/subgid. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "runtime.h"

static char path[64], err[256];

static int pool_from(const char *text, struct id_pool *p)
{
	snprintf(path, sizeof(path), "/tmp/test_idmap.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	err[0] = 0;
	int r = ids_pool(path, p, err, sizeof(err));
	unlink(path);
	return r;
}

static void no_file_is_the_default_pool(void **state)
{
	(void)state;
	struct id_pool p;
	assert_int_equal(ids_pool("/nonexistent/subuid", &p, err, sizeof(err)), 0);
	assert_int_equal(p.start, 0x70000000u);
	assert_int_equal(p.count, 1024u * VNODE_IDS);
}

static void the_vnode_users_line(void **state)
{
	(void)state;
	struct id_pool p;
	assert_int_equal(pool_from("root:100000:65536\nvnode:2000000000:655360\nbob:1:2\n", &p), 0);
	assert_int_equal(p.start, 2000000000u);
	assert_int_equal(p.count, 655360u);
	assert_int_equal(pool_from("vnodes:5:65536\n", &p), 0);  /* another user */
	assert_int_equal(p.start, 0x70000000u);
	assert_int_equal(pool_from("vnode:300000:65536", &p), 0);  /* no newline at the end */
	assert_int_equal(p.start, 300000u);
}

static void bad_lines_are_named(void **state)
{
	(void)state;
	struct id_pool p;
	assert_int_equal(pool_from("root:1:2\nvnode:100000\n", &p), -EINVAL);
	assert_non_null(strstr(err, ":2: want vnode:START:COUNT"));
	assert_int_equal(pool_from("vnode:100000:1000\n", &p), -EINVAL);  /* not one range */
	assert_int_equal(pool_from("vnode:0:65536\n", &p), -EINVAL);
	assert_int_equal(pool_from("vnode:4294901760:131072\n", &p), -EINVAL);  /* past 2^32 */
	assert_int_equal(pool_from("vnode:100000:65536x\n", &p), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_file_is_the_default_pool),
		cmocka_unit_test(the_vnode_users_line),
		cmocka_unit_test(bad_lines_are_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
