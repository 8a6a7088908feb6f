/* Registration with systemd-machined, so that machinectl lists a vnode (class container,
 * its init the leader) and `machinectl status|poweroff NAME` work. Done over sd-bus from
 * libsystemd, loaded (dlopen) only where systemd runs: every other boot pays nothing for
 * it. machined takes the machine's unit from the leader's cgroup, so only a vnode in a
 * unit's cgroup (vnode@.service) is registered. Without machined, nothing changes. */
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vnode.h"

/* sd-bus's public interface, from sd-bus(3): opaque handles and this error struct. */
struct bus_error {
	const char *name, *message;
	int need_free;
};
struct sdbus {
	int (*open_system)(void **bus);
	int (*call)(void *bus, const char *dest, const char *path, const char *iface,
		    const char *member, struct bus_error *e, void **reply, const char *types, ...);
	int (*read)(void *msg, const char *types, ...);
	int (*get_string)(void *bus, const char *dest, const char *path, const char *iface,
			  const char *member, struct bus_error *e, char **ret);
	void *(*close)(void *bus);
	void *(*unref)(void *msg);
	void (*error_free)(struct bus_error *e);
	void *bus;
};
#define SYM(member, name) { name, offsetof(struct sdbus, member) }
static const struct { const char *name; size_t at; } symbols[] = {
	SYM(open_system, "sd_bus_open_system"),	SYM(call, "sd_bus_call_method"),
	SYM(read, "sd_bus_message_read"),	SYM(get_string, "sd_bus_get_property_string"),
	SYM(close, "sd_bus_flush_close_unref"),	SYM(unref, "sd_bus_message_unref"),
	SYM(error_free, "sd_bus_error_free"),
};

#define MACHINED "org.freedesktop.machine1"
#define MANAGER_PATH "/org/freedesktop/machine1"
#define MANAGER MACHINED ".Manager"
#define NOT_THERE "org.freedesktop.DBus.Error.ServiceUnknown"  /* no machined installed */
#define EXISTS MACHINED ".MachineExists"

static int sdbus_load(void *lib, struct sdbus *sd)
{
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
		if (!(*(void **)((char *)sd + symbols[i].at) = dlsym(lib, symbols[i].name)))
			return -1;
	return 0;
}

/* Calls Manager.member with one string in and nothing out but an error: 0 or -errno. */
static int call_manager(struct sdbus *sd, const char *member, const char *arg,
			struct bus_error *e)
{
	void *reply = NULL;
	int r = sd->call(sd->bus, MACHINED, MANAGER_PATH, MANAGER, member, e, &reply, "s", arg);
	sd->unref(reply);
	return r;
}

static int register_machine(struct sdbus *sd, const char *name, pid_t leader, const char *root,
			    struct bus_error *e)
{
	void *reply = NULL;
	int r = sd->call(sd->bus, MACHINED, MANAGER_PATH, MANAGER, "RegisterMachine", e, &reply,
			 "sayssus", name, 0, "vnode", "container", (uint32_t)leader, root);
	sd->unref(reply);
	return r;
}

/* Whether machine name is a registration left by this unit's last run: on a restart the
 * unit never looks inactive to machined, which then keeps the machine of the init gone. */
static bool left_by(struct sdbus *sd, const char *name, const char *unit)
{
	struct bus_error e = { NULL, NULL, 0 };
	void *reply = NULL;
	const char *path;
	char *its_unit = NULL;
	int r = sd->call(sd->bus, MACHINED, MANAGER_PATH, MANAGER, "GetMachine", &e, &reply, "s",
			 name);
	if (r >= 0)
		r = sd->read(reply, "o", &path);
	if (r >= 0)
		r = sd->get_string(sd->bus, MACHINED, path, MACHINED ".Machine", "Unit", &e, &its_unit);
	bool ours = r >= 0 && !strcmp(its_unit, unit);
	free(its_unit);
	sd->unref(reply);
	sd->error_free(&e);
	return ours;
}

static int try_register(struct sdbus *sd, const char *name, pid_t leader, const char *root,
			const char *unit, char *err, size_t errlen)
{
	struct bus_error e = { NULL, NULL, 0 };
	int r = register_machine(sd, name, leader, root, &e);
	if (r < 0 && e.name && !strcmp(e.name, EXISTS) && left_by(sd, name, unit)) {
		sd->error_free(&e);
		r = call_manager(sd, "UnregisterMachine", name, &e);
		if (r >= 0)
			r = register_machine(sd, name, leader, root, &e);
	}
	if (r < 0 && !(e.name && !strcmp(e.name, NOT_THERE)))
		snprintf(err, errlen, "%s", e.message ? e.message : strerror(-r));
	sd->error_free(&e);
	return r < 0 && err[0] ? -1 : 0;
}

void machined_register(const char *name, pid_t leader, const char *root, const char *unit)
{
	char err[512] = "";
	struct sdbus sd = { 0 };
	int r;
	if (access("/run/systemd/system", F_OK) < 0)
		return;  /* systemd is not PID 1 */
	void *lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!lib || sdbus_load(lib, &sd) < 0)
		snprintf(err, sizeof(err), "libsystemd: %s", dlerror());
	else if ((r = sd.open_system(&sd.bus)) < 0)
		snprintf(err, sizeof(err), "the system bus: %s", strerror(-r));
	else
		try_register(&sd, name, leader, root, unit, err, sizeof(err));
	if (err[0])
		errorf("%s: not registered with systemd-machined: %s", name, err);
	if (sd.bus)
		sd.close(sd.bus);
	if (lib)
		dlclose(lib);
}
