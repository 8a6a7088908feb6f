/* How each ending is reported to the parent. In a pid namespace, reboot(2) ends
 * the namespace's init and the parent sees it killed by SIGINT (power-off, halt)
 * or SIGHUP (restart), which LXC, systemd-nspawn and the vnode launcher read.
 * Where reboot(2) is refused (no CAP_SYS_BOOT, as in Docker), the exit status says
 * it instead: 0 for power-off and halt, 129 (128+SIGHUP) for reboot, so that a
 * restart-on-failure policy restarts the container. */
#include <sys/reboot.h>
#include <sys/wait.h>
#include "vinit.h"

static const struct {
	enum action action;
	const char *name;
	int reboot_cmd;
	int exit_status;
} endings[] = {
	{ ACT_NONE, "exit", 0, VINIT_EXIT_OK },
	{ ACT_POWEROFF, "poweroff", RB_POWER_OFF, VINIT_EXIT_OK },
	{ ACT_HALT, "halt", RB_HALT_SYSTEM, VINIT_EXIT_OK },
	{ ACT_REBOOT, "reboot", RB_AUTOBOOT, VINIT_EXIT_REBOOT },
};

const char *action_name(enum action a)
{
	return (unsigned)a < 4 ? endings[a].name : "?";
}

int ending_reboot_cmd(enum action a)
{
	return (unsigned)a < 4 ? endings[a].reboot_cmd : RB_POWER_OFF;
}

int ending_exit_status(enum action a)
{
	return (unsigned)a < 4 ? endings[a].exit_status : VINIT_EXIT_FAILED;
}

/* A command's wait status as a shell reports it: its exit code, or 128+signal. */
int exit_status_of(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return VINIT_EXIT_FAILED;
}
