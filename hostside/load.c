/* From a vnode's config file to a checked struct vnode: the config mapped onto
 * mount/'s and netns/'s structs. Parse first, act later: nothing here
 * touches the kernel beyond reading files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vnode.h"

static int where(const struct vnode *v, const char *key, char *buf, size_t len)
{
	const struct conf_entry *e = conf_get(&v->conf, key);
	if (e && e->line)
		return snprintf(buf, len, "%s:%u:%u: %s", v->conf.path, e->line, e->col, key);
	return snprintf(buf, len, "%s: %s (from the environment)", v->name, key);
}

/* The one required thing: somewhere to take the root from (see vnode.conf(5)). */
static int need_root_source(const struct vnode *v)
{
	char img[PATH_MAX + 64], dir[PATH_MAX + 8];
	snprintf(img, sizeof(img), "%s/%s.img", v->dir, v->name);
	snprintf(dir, sizeof(dir), "%s/root", v->dir);
	if (v->vm.ndisks || v->vm.base || access(img, F_OK) == 0 || access(dir, F_OK) == 0)
		return 0;
	errorf("%s: no root: set DISKS or BASE, or make %s or %s", v->conf.path, dir, img);
	return EXIT_USAGE;
}

static int map_mount(struct vnode *v)
{
	const struct conf_entry *e;
	char err[512], at[PATH_MAX + 64];

	v->vm.name = v->name;
	v->vm.dir = v->dir;
	v->vm.base = conf_value(&v->conf, "BASE", NULL);
	if ((e = conf_get(&v->conf, "DISKS")))
		for (unsigned i = 0; i < e->nvalues; i++) {
			if (!*e->values[i])
				continue;
			if (v->vm.ndisks >= VM_MAX_DISKS ||
			    vm_parse_disk(e->values[i], &v->vm.disks[v->vm.ndisks++], err, sizeof(err)) < 0) {
				where(v, "DISKS", at, sizeof(at));
				errorf("%s[%u]: %s", at, i, v->vm.ndisks > VM_MAX_DISKS ? "too many entries" : err);
				return EXIT_USAGE;
			}
		}
	if ((e = conf_get(&v->conf, "BINDS")))
		for (unsigned i = 0; i < e->nvalues; i++) {
			if (v->vm.nbinds >= VM_MAX_BINDS ||
			    vm_parse_bind(e->values[i], &v->vm.binds[v->vm.nbinds++], err, sizeof(err)) < 0) {
				where(v, "BINDS", at, sizeof(at));
				errorf("%s[%u]: %s", at, i, err);
				return EXIT_USAGE;
			}
		}
	return need_root_source(v);
}

static int map_net(struct vnode *v)
{
	const struct conf_entry *b = conf_get(&v->conf, "BRIDGES"), *a = conf_get(&v->conf, "ADDRS");
	char err[512];
	if (vn_config_init(&v->net, v->name, conf_value(&v->conf, "NETWORK", NULL),
			   b ? (const char *const *)b->values : NULL, b ? b->nvalues : 0,
			   a ? (const char *const *)a->values : NULL, a ? a->nvalues : 0,
			   conf_value(&v->conf, "GATEWAY", NULL), err, sizeof(err)) < 0) {
		errorf("%s: %s", v->conf.path, err);
		return EXIT_USAGE;
	}
	return 0;
}

static int map_misc(struct vnode *v)
{
	char err[512];
	const char *t = conf_value(&v->conf, "STOP_TIMEOUT", NULL);
	v->hostname = conf_value(&v->conf, "HOSTNAME", v->name);
	v->init = conf_value(&v->conf, "INIT", "/sbin/init");
	v->hook = conf_value(&v->conf, "HOOK", NULL);
	v->stop_timeout = STOP_TIMEOUT_DEFAULT;
	if (t) {
		char *end;
		unsigned long s = strtoul(t, &end, 10);
		if (!*t || *end || s > 86400) {
			where(v, "STOP_TIMEOUT", err, sizeof(err));
			errorf("%s: \"%s\" is not a number of seconds (0 to 86400)", err, t);
			return EXIT_USAGE;
		}
		v->stop_timeout = (unsigned)s;
	}
	if (strlen(v->hostname) > 64) {
		errorf("%s: HOSTNAME \"%.70s...\" is longer than 64 bytes", v->conf.path, v->hostname);
		return EXIT_USAGE;
	}
	if (v->init[0] != '/' || (v->hook && v->hook[0] != '/')) {
		errorf("%s: INIT and HOOK must be absolute paths", v->conf.path);
		return EXIT_USAGE;
	}
	if (caps_parse(&v->conf, &v->caps_drop, err, sizeof(err)) < 0) {
		errorf("%s: %s", v->conf.path, err);
		return EXIT_USAGE;
	}
	return 0;
}

/* Loads $VNODE_HOME/NAME/config. Returns 0 or the exit status to leave with. */
int vnode_load(struct vnode *v, const char *name)
{
	char path[PATH_MAX + 8], err[1024];
	int r;

	if ((r = vnode_paths(v, name)))
		return r;
	snprintf(path, sizeof(path), "%s/config", v->dir);
	if ((r = conf_load(path, &v->conf, err, sizeof(err))) < 0) {
		if (r == -ENOENT)
			errorf("%s: no such vnode (no %s)", name, path);
		else
			errorf("%s", err);
		return EXIT_USAGE;
	}
	if (conf_apply_env(&v->conf, NULL) < 0) {
		errorf("%s: out of memory", name);
		return EXIT_FAILED;
	}
	if ((r = map_mount(v)) || (r = map_net(v)) || (r = map_misc(v)))
		return r;
	return 0;
}

void vnode_free(struct vnode *v)
{
	conf_free(&v->conf);
}
