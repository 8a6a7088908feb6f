/* Unit tests for hostside/cli.c: the vnode command line and the compatibility names,
 * parsed into struct cli with no side effect. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"

static char err[512];
static struct cli c;

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define NARGS(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(...) cli_parse(NARGS(__VA_ARGS__), ARGV(__VA_ARGS__), &c, err, sizeof(err))

/* Must be refused as a usage error whose message contains want. */
#define REFUSED(want, ...)                                                         \
	do {                                                                       \
		err[0] = 0;                                                        \
		assert_int_equal(PARSE(__VA_ARGS__), -EINVAL);                     \
		if (!strstr(err, want)) {                                          \
			print_error("wanted \"%s\" in \"%s\"\n", want, err);     \
			fail();                                                    \
		}                                                                  \
	} while (0)

static void boot_takes_names_and_needs_root(void **state)
{
	(void)state;
	assert_int_equal(PARSE("vnode", "boot", "a", "b"), 0);
	assert_int_equal(c.cmd, CMD_BOOT);
	assert_int_equal(c.verb, VERB_BOOT);
	assert_int_equal(c.nnames, 2);
	assert_string_equal(c.names[1], "b");
	assert_false(c.foreground);
	assert_true(c.needs_root);
}

static void boot_f_takes_one_name(void **state)
{
	(void)state;
	assert_int_equal(PARSE("/usr/sbin/vnode", "boot", "-f", "a"), 0);
	assert_true(c.foreground);
	assert_string_equal(c.names[0], "a");
	assert_int_equal(PARSE("vnode", "boot", "--foreground", "a"), 0);
	assert_true(c.foreground);
	REFUSED("boot -f takes one NAME", "vnode", "boot", "-f", "a", "b");
	REFUSED("missing NAME", "vnode", "boot");
}

static void stop_verbs_come_from_the_table(void **state)
{
	(void)state;
	assert_int_equal(PARSE("vnode", "halt", "a"), 0);
	assert_int_equal(c.cmd, CMD_STOP);
	assert_int_equal(c.verb, VERB_HALT);
	assert_int_equal(PARSE("vnode", "kill", "a", "b", "c"), 0);
	assert_int_equal(c.verb, VERB_KILL);
	assert_int_equal(c.nnames, 3);
	assert_int_equal(PARSE("vnode", "reboot", "a"), 0);
	assert_int_equal(c.verb, VERB_REBOOT);
	REFUSED("usage: vnode reboot NAME", "vnode", "reboot", "a", "b");
	REFUSED("missing NAME", "vnode", "halt");
}

static void info_commands_need_no_root(void **state)
{
	(void)state;
	assert_int_equal(PARSE("vnode", "status", "a"), 0);
	assert_int_equal(c.cmd, CMD_STATUS);
	assert_false(c.needs_root);
	assert_int_equal(PARSE("vnode", "list"), 0);
	assert_false(c.json);
	assert_int_equal(PARSE("vnode", "list", "--json"), 0);
	assert_true(c.json);
	assert_int_equal(PARSE("vnode", "status", "--json", "a"), 0);
	assert_true(c.json);
	assert_string_equal(c.names[0], "a");
	assert_int_equal(PARSE("vnode", "wait", "a"), 0);
	assert_int_equal(c.cmd, CMD_WAIT);
	assert_int_equal(PARSE("vnode", "log", "a"), 0);
	assert_int_equal(c.cmd, CMD_LOG);
	REFUSED("usage: vnode status NAME", "vnode", "status");
	REFUSED("list: takes no NAME", "vnode", "list", "a");
	REFUSED("--yaml: unknown option", "vnode", "list", "--yaml");
}

static void exec_keeps_the_command_whole(void **state)
{
	(void)state;
	assert_int_equal(PARSE("vnode", "exec", "a", "sh", "-c", "exit 5"), 0);
	assert_int_equal(c.cmd, CMD_EXEC);
	assert_string_equal(c.names[0], "a");
	assert_int_equal(c.nrest, 3);
	assert_string_equal(c.rest[0], "sh");
	assert_string_equal(c.rest[1], "-c");
	assert_null(c.rest[3]);
	assert_int_equal(PARSE("vnode", "exec", "a"), 0);
	assert_int_equal(c.nrest, 0);
	REFUSED("usage: vnode exec NAME [CMD...]", "vnode", "exec");
	assert_int_equal(PARSE("vnode", "exec", "-e", "A=1", "-w", "/srv", "-e", "B=x=y", "a", "env"), 0);
	assert_int_equal(c.nenv, 2);
	assert_string_equal(c.env[0], "A=1");
	assert_string_equal(c.env[1], "B=x=y");
	assert_null(c.env[2]);
	assert_string_equal(c.workdir, "/srv");
	assert_string_equal(c.names[0], "a");
	assert_string_equal(c.rest[0], "env");
	REFUSED("-e wants KEY=VALUE", "vnode", "exec", "-e", "A", "a");
	REFUSED("-e wants KEY=VALUE", "vnode", "exec", "-e", "=1", "a");
	REFUSED("-w wants an absolute directory", "vnode", "exec", "-w", "tmp", "a");
	REFUSED("-w: wants a value", "vnode", "exec", "-w");
	REFUSED("-f: unknown option", "vnode", "exec", "-f", "a");
}

static void batch_takes_jobs(void **state)
{
	(void)state;
	assert_int_equal(PARSE("vnode", "halt-all", "-j", "8"), 0);
	assert_int_equal(c.cmd, CMD_ALL);
	assert_int_equal(c.verb, VERB_HALT);
	assert_int_equal(c.jobs, 8);
	assert_int_equal(PARSE("vnode", "kill-all", "-j3"), 0);
	assert_int_equal(c.verb, VERB_KILL);
	assert_int_equal(c.jobs, 3);
	assert_int_equal(PARSE("vnode", "boot-all"), 0);
	assert_int_equal(c.jobs, 0);  /* one per CPU, decided by main */
	REFUSED("-j wants a number from 1 to 1024", "vnode", "boot-all", "-j", "0");
	REFUSED("-j wants a number from 1 to 1024", "vnode", "boot-all", "-j", "2x");
	REFUSED("-j wants a number from 1 to 1024", "vnode", "boot-all", "-j");
	REFUSED("boot-all: takes no NAME", "vnode", "boot-all", "a");
}

static void global_options(void **state)
{
	(void)state;
	assert_int_equal(PARSE("vnode", "--home", "/srv/v", "list"), 0);
	assert_string_equal(c.home, "/srv/v");
	assert_int_equal(PARSE("vnode", "--home=/srv/w", "status", "a"), 0);
	assert_string_equal(c.home, "/srv/w");
	assert_int_equal(PARSE("vnode", "--help"), 0);
	assert_int_equal(c.cmd, CMD_HELP);
	assert_int_equal(PARSE("vnode", "-h", "boot"), 0);
	assert_int_equal(c.cmd, CMD_HELP);
	REFUSED("missing COMMAND", "vnode");
	REFUSED("missing COMMAND", "vnode", "--home", "/x");
	REFUSED("frobnicate: unknown command (see vnode --help)", "vnode", "frobnicate");
	REFUSED("--frob: unknown option", "vnode", "--frob", "list");
}

static void resume_passes_its_arguments_through(void **state)
{
	(void)state;
	assert_int_equal(PARSE("vnode", "__resume", "--name=a", "--verb=kill"), 0);
	assert_int_equal(c.cmd, CMD_RESUME);
	assert_int_equal(c.nnames, 0);
	assert_int_equal(c.nrest, 2);
	assert_string_equal(c.rest[0], "--name=a");
}

static void compatibility_names(void **state)
{
	(void)state;
	assert_int_equal(PARSE("/usr/bin/pretend-boot", "a"), 0);
	assert_int_equal(c.cmd, CMD_BOOT);
	assert_true(c.foreground);
	assert_string_equal(c.names[0], "a");
	REFUSED("usage: pretend-boot NAME", "pretend-boot");
	assert_int_equal(PARSE("vnodesetup", "-j", "-h", "a"), 0);
	assert_int_equal(c.cmd, CMD_STOP);
	assert_int_equal(c.verb, VERB_HALT);
	assert_int_equal(c.stop_wait, 30);
	assert_int_equal(PARSE("vnodesetup", "-j", "-b", "a"), 0);
	assert_int_equal(c.cmd, CMD_BOOT);
	assert_false(c.foreground);
	assert_int_equal(PARSE("vnodesetup", "-k", "a"), 0);
	assert_int_equal(c.verb, VERB_KILL);
	REFUSED("usage: vnodesetup -j [-b|-h|-k] NAME", "vnodesetup", "-j", "-h");
	REFUSED("-x: unknown argument", "vnodesetup", "-x", "a");
	assert_int_equal(PARSE("bootvnodes", "-k", "-f"), 0);
	assert_int_equal(c.cmd, CMD_ALL);
	assert_int_equal(c.verb, VERB_KILL);
	assert_false(c.background);
	assert_true(c.needs_root);
	assert_int_equal(PARSE("bootvnodes", "-h"), 0);
	assert_true(c.background);
	assert_int_equal(PARSE("bootvnodes"), 0);
	assert_int_equal(c.verb, VERB_BOOT);
	assert_true(c.background);
	assert_int_equal(PARSE("vnode", "wait-all"), 0);
	assert_int_equal(c.cmd, CMD_WAIT_ALL);
	REFUSED("bootvnodes: takes no NAME", "bootvnodes", "a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boot_takes_names_and_needs_root),
		cmocka_unit_test(boot_f_takes_one_name),
		cmocka_unit_test(stop_verbs_come_from_the_table),
		cmocka_unit_test(info_commands_need_no_root),
		cmocka_unit_test(exec_keeps_the_command_whole),
		cmocka_unit_test(batch_takes_jobs),
		cmocka_unit_test(global_options),
		cmocka_unit_test(resume_passes_its_arguments_through),
		cmocka_unit_test(compatibility_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
