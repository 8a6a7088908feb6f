/* Which signal asks for which ending. A signal from an ancestor pid namespace (a
 * manager: lxc-stop, systemd-nspawn, docker stop, jail -r, the vnode launcher)
 * arrives with si_pid 0; one from inside comes from the image's own tools, and
 * busybox's halt/poweroff/reboot speak a different dialect (USR1/USR2/TERM).
 * The real-time signals are numbered as glibc-built managers send them: glibc's
 * SIGRTMIN is 34 but musl's is 35, so SIGRTMIN+n is spelled as a number here. */
#include <signal.h>
#include "vinit.h"

#define SIG_RT3 37  /* glibc SIGRTMIN+3: systemd-nspawn stop, LXC halt when PID 1 blocks SIGPWR */
#define SIG_RT4 38  /* glibc SIGRTMIN+4: machinectl poweroff */
#define SIG_RT5 39  /* glibc SIGRTMIN+5: machinectl reboot */

static const struct {
	int signo;
	const char *label;
	enum action outside;
	enum action inside;
} sigtable[] = {
	{ SIGTERM, "SIGTERM", ACT_POWEROFF, ACT_REBOOT },   /* docker stop, jail -r | busybox reboot */
	{ SIGUSR1, "SIGUSR1", ACT_POWEROFF, ACT_HALT },     /* Emulab's injail contract | busybox halt */
	{ SIGUSR2, "SIGUSR2", ACT_POWEROFF, ACT_POWEROFF }, /* busybox poweroff */
	{ SIGPWR, "SIGPWR", ACT_POWEROFF, ACT_POWEROFF },   /* lxc-stop */
	{ SIG_RT3, "SIGRTMIN+3", ACT_POWEROFF, ACT_HALT },  /* inside: systemd's halt */
	{ SIG_RT4, "SIGRTMIN+4", ACT_POWEROFF, ACT_POWEROFF },
	{ SIGINT, "SIGINT", ACT_REBOOT, ACT_REBOOT },       /* ctrl-alt-del, lxc-stop -r */
	{ SIG_RT5, "SIGRTMIN+5", ACT_REBOOT, ACT_REBOOT },
	{ SIGCHLD, "SIGCHLD", ACT_NONE, ACT_NONE },
	{ SIGHUP, "SIGHUP", ACT_NONE, ACT_NONE },
	{ SIGQUIT, "SIGQUIT", ACT_NONE, ACT_NONE },
	{ SIGWINCH, "SIGWINCH", ACT_NONE, ACT_NONE },
	{ SIGALRM, "SIGALRM", ACT_NONE, ACT_NONE },
};

#define NSIGTABLE (sizeof(sigtable) / sizeof(sigtable[0]))

enum action signal_action(int signo, bool from_inside)
{
	for (unsigned i = 0; i < NSIGTABLE; i++)
		if (sigtable[i].signo == signo)
			return from_inside ? sigtable[i].inside : sigtable[i].outside;
	return ACT_NONE;
}

bool signal_is_handled(int signo)
{
	for (unsigned i = 0; i < NSIGTABLE; i++)
		if (sigtable[i].signo == signo)
			return true;
	return false;
}

const char *signal_label(int signo)
{
	for (unsigned i = 0; i < NSIGTABLE; i++)
		if (sigtable[i].signo == signo)
			return sigtable[i].label;
	return "signal";
}
