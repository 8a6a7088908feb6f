/* From a vnode's config file to a checked struct vnode: the config mapped onto
 * mount/'s and netns/'s structs. Parse first, act later: nothing here
 * touches the kernel beyond reading files. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/capability.h>
#include <unistd.h>
#include "vnode.h"

int vnode_where(const struct vnode *v, const char *key, char *buf, size_t len)
{
	const struct conf_entry *e = conf_get(&v->conf, key);
	if (e && e->line)
		return snprintf(buf, len, "%s:%u:%u: %s", v->conf.path, e->line, e->col, key);
	return snprintf(buf, len, "%s: %s (from the environment)", v->id.name, key);
}

/* The one required thing: somewhere to take the root from (see vnode.conf(5)). */
static int need_root_source(const struct vnode *v, char *err, size_t errlen)
{
	char img[PATH_MAX], dir[PATH_MAX + 8];
	vm_image_path(&v->vm, img, sizeof(img));
	snprintf(dir, sizeof(dir), "%s/root", v->id.dir);
	if (v->vm.ndisks || v->vm.base || vm_has_image(&v->vm) || access(dir, F_OK) == 0)
		return 0;
	return vnode_err(err, errlen, EINVAL, "%s: no root: set DISKS or BASE, or make %s or %s",
			 v->conf.path, dir, img);
}

/* Each value of an array key through parse, into the next of max slots at *n. */
typedef int parse_fn(const char *text, void *slot, char *err, size_t errlen);

static int map_array(const struct vnode *v, const char *key, parse_fn *parse, void *slots,
		     size_t size, unsigned *n, unsigned max, char *err, size_t errlen)
{
	const struct conf_entry *e = conf_get(&v->conf, key);
	char why[512], at[PATH_MAX + 64];
	for (unsigned i = 0; e && i < e->nvalues; i++) {
		if (!*e->values[i])
			continue;
		int r = *n >= max ? vnode_err(why, sizeof(why), E2BIG, "too many entries")
				  : parse(e->values[i], (char *)slots + size * (*n)++, why, sizeof(why));
		if (r < 0) {
			vnode_where(v, key, at, sizeof(at));
			return vnode_err(err, errlen, -r, "%s[%u]: %s", at, i, why);
		}
	}
	return 0;
}

static int parse_disk(const char *t, void *s, char *e, size_t n) { return vm_parse_disk(t, s, e, n); }
static int parse_bind(const char *t, void *s, char *e, size_t n) { return vm_parse_bind(t, s, e, n); }

static int map_mount(struct vnode *v, char *err, size_t errlen)
{
	int r;
	v->vm.name = v->id.name;
	v->vm.dir = v->id.dir;
	v->vm.base = conf_value(&v->conf, "BASE", NULL);
	v->vm.host_net = false;  /* set by map_net */
	if ((r = map_array(v, "DISKS", parse_disk, v->vm.disks, sizeof(v->vm.disks[0]),
			   &v->vm.ndisks, VM_MAX_DISKS, err, errlen)) < 0 ||
	    (r = map_array(v, "BINDS", parse_bind, v->vm.binds, sizeof(v->vm.binds[0]),
			   &v->vm.nbinds, VM_MAX_BINDS, err, errlen)) < 0)
		return r;
	return need_root_source(v, err, errlen);
}

static int map_net(struct vnode *v, char *err, size_t errlen)
{
	const struct conf_entry *b = conf_get(&v->conf, "BRIDGES"), *a = conf_get(&v->conf, "ADDRS");
	char why[512];
	int r = vn_config_init(&v->net, v->id.name, conf_value(&v->conf, "NETWORK", NULL),
			       b ? (const char *const *)b->values : NULL, b ? b->nvalues : 0,
			       a ? (const char *const *)a->values : NULL, a ? a->nvalues : 0,
			       conf_value(&v->conf, "GATEWAY", NULL), why, sizeof(why));
	v->vm.host_net = v->net.mode == VN_HOST;
	return r < 0 ? vnode_err(err, errlen, -r, "%s: %s", v->conf.path, why) : 0;
}

/* A key of seconds, or dflt; its range is checked by the parser (config.c), with its line. */
static unsigned seconds(const struct vnode *v, const char *key, unsigned dflt)
{
	const char *t = conf_value(&v->conf, key, NULL);
	return t ? (unsigned)strtoul(t, NULL, 10) : dflt;
}

static int map_misc(struct vnode *v, char *err, size_t errlen)
{
	char why[512];
	v->hostname = conf_value(&v->conf, "HOSTNAME", v->id.name);
	v->init = conf_value(&v->conf, "INIT", "/sbin/init");
	v->hook.path = conf_value(&v->conf, "HOOK", NULL);
	v->hook.timeout = seconds(v, "HOOK_TIMEOUT", HOOK_TIMEOUT_DEFAULT);
	v->stop_timeout = seconds(v, "STOP_TIMEOUT", STOP_TIMEOUT_DEFAULT);
	v->boot_timeout = seconds(v, "BOOT_TIMEOUT", BOOT_TIMEOUT_DEFAULT);
	v->privileged = !strcmp(conf_value(&v->conf, "PRIVILEGED", "no"), "yes");
	const char *lm = conf_value(&v->conf, "LOG_MAX", NULL);
	v->log_max = lm ? conf_size(lm) : LOG_MAX_DEFAULT;  /* checked by the parser */
	if (strlen(v->hostname) > 64)
		return vnode_err(err, errlen, EINVAL, "%s: HOSTNAME \"%.70s...\" is longer than 64 bytes",
				 v->conf.path, v->hostname);
	if (v->init[0] != '/' || (v->hook.path && v->hook.path[0] != '/'))
		return vnode_err(err, errlen, EINVAL, "%s: INIT and HOOK must be absolute paths",
				 v->conf.path);
	if (caps_parse(&v->conf, &v->caps_drop, why, sizeof(why)) < 0)
		return vnode_err(err, errlen, EINVAL, "%s: %s", v->conf.path, why);
	if (v->net.mode == VN_HOST)  /* the host's own network is not the vnode's to change */
		v->caps_drop |= 1ULL << CAP_NET_ADMIN | 1ULL << CAP_NET_RAW;
	return 0;
}

/* MEMORY_MAX and the others (cgroup.h); whether the host can apply them is boot's to say. */
static int map_limits(struct vnode *v, char *err, size_t errlen)
{
	char why[256], at[PATH_MAX + 64];
	cpu_set_t cpus;
	unsigned ncpu = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 ? (unsigned)CPU_COUNT(&cpus) : 1;
	for (unsigned i = 0; i < LIM_N; i++) {
		const char *val = conf_value(&v->conf, limit_keys[i].key, NULL);
		if (val && limit_parse(i, val, ncpu, &v->limits, why, sizeof(why)) < 0) {
			vnode_where(v, limit_keys[i].key, at, sizeof(at));
			return vnode_err(err, errlen, EINVAL, "%s: %s", at, why);
		}
	}
	v->vm.tmpfs_size = limits_tmpfs_size(&v->limits);
	enum limit bad = limits_conflict(&v->limits);
	if (bad == LIM_N)
		return 0;
	vnode_where(v, limit_keys[bad].key, at, sizeof(at));
	return vnode_err(err, errlen, EINVAL, "%s: is above MEMORY_MAX, so it would never apply", at);
}

/* The config decides what is mounted and run as root: only root may write it. */
static int trusted(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return 0;  /* conf_load says why */
	if (st.st_uid != 0)
		return vnode_err(err, errlen, EPERM, "%s: owned by uid %u, not root: not trusted (the "
				 "config decides what runs as root; chown root it)", path, (unsigned)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return vnode_err(err, errlen, EPERM, "%s: writable by group or others (mode %04o): not "
				 "trusted (the config decides what runs as root; chmod go-w it)", path,
				 (unsigned)(st.st_mode & 07777));
	return 0;
}

int vnode_load(struct vnode *v, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX + 8];
	int r;

	if ((r = vnode_id_set(&v->id, name, err, errlen)) < 0)
		return r;
	snprintf(path, sizeof(path), "%s/config", v->id.dir);
	if ((r = trusted(path, err, errlen)) < 0)
		return r;
	r = conf_load(path, &v->conf, err, errlen);
	v->env_only = r == -ENOENT && conf_env_sets(NULL);  /* pretend-boot's way: no other settings */
	if (v->env_only)
		r = conf_parse(path, "", 0, &v->conf, err, errlen);
	if (r < 0)
		return r == -ENOENT ? vnode_err(err, errlen, ENOENT, "%s: no such vnode (no %s, and no "
						"DISKS or BRIDGES in the environment)", name, path) : r;
	if (conf_apply_env(&v->conf, NULL) < 0)
		return vnode_err(err, errlen, ENOMEM, "%s: out of memory", name);
	if ((r = map_mount(v, err, errlen)) < 0 || (r = map_net(v, err, errlen)) < 0)
		return r;
	if ((r = map_misc(v, err, errlen)) < 0)
		return r;
	return map_limits(v, err, errlen);
}

int load_failed(int r, const char *err)
{
	return exit_with(r == -ENOMEM ? EXIT_FAILED : EXIT_USAGE, err);
}

void vnode_free(struct vnode *v)
{
	conf_free(&v->conf);
}
