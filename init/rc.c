/* Which boot and shutdown scripts an image gets: BSD style (/etc/rc and
 * /etc/rc.shutdown, as Emulab's injail ran) or Debian/sysv style (/etc/init.d/rcS,
 * then /etc/init.d/rc 2; rc 0 or rc 6 at shutdown, as subhost-init ran). */
#include <stdio.h>
#include "state.h"

#define SH "/bin/sh"

/* Starts boot stage v->rc_next, if there is one. */
void rc_start_next(struct vinit *v)
{
	int stage = v->rc_next++;

	v->rc_pid = 0;
	if (v->o.no_rc)
		return;
	if (v->o.rc_cmd) {
		if (stage == 0)
			v->rc_pid = spawn_script((const char *const[]){ SH, "-c", v->o.rc_cmd, NULL }, NULL, NULL);
	} else if (file_exists("/etc/rc")) {
		if (stage == 0)
			v->rc_pid = spawn_script((const char *const[]){ SH, "/etc/rc", "autoboot", NULL }, NULL, NULL);
	} else if (file_exists("/etc/init.d/rcS")) {
		if (stage == 0)
			v->rc_pid = spawn_script((const char *const[]){ SH, "/etc/init.d/rcS", NULL }, "S", "N");
		else if (stage == 1 && file_exists("/etc/init.d/rc"))
			v->rc_pid = spawn_script((const char *const[]){ SH, "/etc/init.d/rc", "2", NULL },
						 "2", "N");
	} else if (stage == 0) {
		vlog("no /etc/rc or /etc/init.d/rcS: nothing to start");
	}
	if (v->rc_pid < 0)
		v->rc_pid = 0;
}

/* Starts the shutdown script; 0 when there is none. */
pid_t rc_start_shutdown(struct vinit *v)
{
	const char *level = v->ending == ACT_REBOOT ? "6" : "0";
	pid_t pid = 0;

	if (v->o.no_rc || v->o.cmd)
		return 0;
	if (v->o.rc_shutdown_cmd)
		pid = spawn_script((const char *const[]){ SH, "-c", v->o.rc_shutdown_cmd, NULL }, NULL, NULL);
	else if (file_exists("/etc/rc.shutdown"))
		pid = spawn_script((const char *const[]){ SH, "/etc/rc.shutdown", NULL }, NULL, NULL);
	else if (file_exists("/etc/init.d/rc") && !file_exists("/etc/rc"))
		pid = spawn_script((const char *const[]){ SH, "/etc/init.d/rc", level, NULL }, level, "2");
	return pid > 0 ? pid : 0;
}
