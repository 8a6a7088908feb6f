/* Unit tests for hostside/handoff.c: the monitor's state across an exec. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "handoff.h"

static char err[300];

static int parse(struct handoff *h, int argc, char **argv)
{
	handoff_init(h);
	return handoff_parse(argc, argv, h, err, sizeof(err));
}

static void parses_every_field(void **state)
{
	(void)state;
	char *argv[] = { "--name=web1", "--home=/opt/sub", "--exe=/usr/sbin/vnode", "--hook=/h",
			 "--hook-timeout=7", "--netns=web1", "--verb=reboot", "--lock-fd=3", "--pidfd=7", "--console=5",
			 "--console-slave=6", "--console-listen=8", "--console-client=-1", "--log-fd=9", "--init=4242", "--boots=3",
			 "--stop-timeout=30", "--started=1795441685", "--up-ms=613250",
			 "--delay-ms=500" };
	struct handoff h;
	assert_int_equal(parse(&h, 20, argv), 0);
	assert_string_equal(h.name, "web1");
	assert_string_equal(h.hook.path, "/h");
	assert_int_equal(h.hook.timeout, 7);
	assert_string_equal(h.netns, "web1");
	assert_string_equal(h.verb, "reboot");
	assert_int_equal(h.lock_fd, 3);
	assert_int_equal(h.pidfd, 7);
	assert_int_equal(h.con, 5);
	assert_int_equal(h.con_slave, 6);
	assert_int_equal(h.con_listen, 8);
	assert_int_equal(h.con_client, -1);
	assert_int_equal(h.log_fd, 9);
	assert_int_equal(h.init, 4242);
	assert_int_equal(h.boots, 3);
	assert_int_equal(h.stop_timeout, 30);
	assert_true(h.started == 1795441685LL);
	assert_true(h.up_ms == 613250LL);
	assert_int_equal(h.delay_ms, 500);
}

static void absent_fields_keep_defaults(void **state)
{
	(void)state;
	char *argv[] = { "--name=a", "--home=/h", "--exe=/v", "--lock-fd=3" };
	struct handoff h;
	assert_int_equal(parse(&h, 4, argv), 0);
	assert_null(h.hook.path);
	assert_null(h.netns);
	assert_int_equal(h.pidfd, -1);
	assert_int_equal(h.con, -1);
	assert_int_equal(h.con_client, -1);
	assert_int_equal(h.log_fd, -1);
}

static void rejects_bad_arguments(void **state)
{
	(void)state;
	static char *bad[] = { "--frob=1", "--init=12x", "--boots=-1", "--lock-fd=", "name=a",
			       "--name", "--initx=1", "--ini=1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = { "--name=a", "--home=/h", "--exe=/v", "--lock-fd=3", bad[i] };
		struct handoff h;
		assert_int_equal(parse(&h, 5, argv), -1);
		assert_non_null(strstr(err, bad[i]));
	}
}

static void requires_the_core_fields(void **state)
{
	(void)state;
	char *argv[] = { "--name=a", "--home=/h", "--exe=/v" };
	struct handoff h;
	assert_int_equal(parse(&h, 3, argv), -1);
	assert_non_null(strstr(err, "--lock-fd"));
}

/* Runs handoff_exec in a child with PROG; returns what PROG printed. */
static char *exec_output(const struct handoff *h, const char *prog, const char *arg0,
			 const char *cmd)
{
	static char out[8192];
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		handoff_exec(h, prog, arg0, cmd);
		_exit(127);
	}
	close(p[1]);
	size_t n = 0;
	ssize_t r;
	while ((r = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = 0;
	close(p[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return out;
}

static void round_trips_through_exec(void **state)
{
	(void)state;
	struct handoff h, back;
	handoff_init(&h);
	h.name = "web1", h.home = "/opt/sub dir", h.exe = "/usr/sbin/vnode", h.verb = "kill";
	h.hook.timeout = 5, h.lock_fd = 0, h.init = 99, h.boots = 2, h.started = 1700000000LL, h.delay_ms = 250;
	char *out = exec_output(&h, "/usr/bin/printf", "printf", "%s\\n");
	char *argv[32];
	int argc = 0;
	for (char *line = strtok(out, "\n"); line && argc < 32; line = strtok(NULL, "\n"))
		argv[argc++] = line;
	assert_int_equal(parse(&back, argc, argv), 0);
	assert_string_equal(back.name, "web1");
	assert_string_equal(back.home, "/opt/sub dir");
	assert_string_equal(back.verb, "kill");
	assert_null(back.hook.path);
	assert_int_equal(back.hook.timeout, 5);
	assert_int_equal(back.init, 99);
	assert_int_equal(back.boots, 2);
	assert_true(back.started == 1700000000LL);
	assert_int_equal(back.delay_ms, 250);
}

static void handed_fds_survive_exec(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	struct handoff h;
	handoff_init(&h);
	h.name = "a", h.home = "/h", h.exe = "/v", h.lock_fd = p[0];
	char script[] = "/tmp/test_handoff.XXXXXX";
	int fd = mkstemp(script);
	assert_true(fd >= 0);
	dprintf(fd, "test -e /proc/self/fd/%d && echo kept\ntest -e /proc/self/fd/%d || echo closed\n",
		p[0], p[1]);
	close(fd);
	char *out = exec_output(&h, "/bin/sh", "sh", script);
	unlink(script);
	assert_string_equal(out, "kept\nclosed\n");
	close(p[0]), close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_every_field),
		cmocka_unit_test(absent_fields_keep_defaults),
		cmocka_unit_test(rejects_bad_arguments),
		cmocka_unit_test(requires_the_core_fields),
		cmocka_unit_test(round_trips_through_exec),
		cmocka_unit_test(handed_fds_survive_exec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
