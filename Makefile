# vnode: one non-recursive Makefile. Everything is built under build/.
#   make            build vinit, the vnode launcher and the test helpers
#   make demo       the main job: build, make a demo image, boot vnodes, halt them
#   make test       unit tests (cmocka) and integration tests (root, real namespaces)
#   make test-vm    the integration tests again, in a VM on Debian's stock kernel (tests/vm/)
#   make soak       long runs: 1000 boot/halt cycles of an image vnode (not in make test)
#   make bench      benchmarks, side by side with the peers
#   make check      unit tests under ASan/UBSan, cppcheck, each fuzz target for seconds
#   make fuzz       the libFuzzer targets (tests/fuzz/), 10 million executions in all
#   make deb        the Debian package (debian/), checked by lintian

B       := build
CC      ?= cc
MUSLCC  := musl-gcc
WARN    := -Wall -Wextra -Werror
CFLAGS  := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE
HOSTLIBS := -lblkid -lmnl -lcap -ldl

# vinit and vnode-monitor are static musl. musl-gcc does not search /usr/include, so the kernel's
# linux/ and asm/ headers are reached through symlinks made under build/kinc.
KINC    := $(B)/kinc
MUSL_CFLAGS := -std=gnu11 -Os $(WARN) -D_GNU_SOURCE -isystem $(KINC) \
	-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
	-fno-stack-protector
MUSL_LDFLAGS := -static -s -Wl,--gc-sections

VNODE := $(if $(wildcard hostside/main.c),$(B)/vnode $(B)/vnode-monitor)

all: $(B)/vinit $(VNODE) helpers

.PHONY: all deps demo test test-vm unit integration soak bench check fuzz fuzz-build clean install deb helpers image-debian test-debian

# ---- dependencies (Debian) ------------------------------------------------
deps:
	@sh tests/deps.sh

# ---- vinit -----------------------------------------------------------------
VINIT_SRC := $(wildcard init/*.c)
VINIT_OBJ := $(VINIT_SRC:%.c=$(B)/musl/%.o)

$(KINC)/.stamp:
	@mkdir -p $(KINC)
	ln -sfn /usr/include/linux $(KINC)/linux
	ln -sfn /usr/include/asm-generic $(KINC)/asm-generic
	ln -sfn /usr/include/$$(gcc -print-multiarch)/asm $(KINC)/asm
	@touch $@

# -MMD: each object records the headers it includes, so a header change rebuilds
# only what uses it.
$(B)/musl/%.o: %.c $(KINC)/.stamp
	@mkdir -p $(@D)
	$(MUSLCC) $(MUSL_CFLAGS) -MMD -MP -Iinclude -Ihostside -Imount -Inetns -c $< -o $@

$(B)/vinit: $(VINIT_OBJ)
	$(MUSLCC) $(MUSL_CFLAGS) $(MUSL_LDFLAGS) $^ -o $@

# ---- vnode-monitor: what stays resident while a vnode runs -----------------
# hostside/monitor/ plus the few host-side files it shares with vnode; none of
# them uses libblkid, libmnl or libcap.
MONITOR_SRC := $(wildcard hostside/monitor/*.c) hostside/runtime.c hostside/hook.c \
	hostside/error.c hostside/paths.c hostside/handoff.c hostside/verb.c hostside/end.c \
	hostside/idmap.c hostside/conpty.c hostside/cgroup.c hostside/notify.c \
	netns/nsname.c netns/err.c netns/teardown.c
MONITOR_OBJ := $(MONITOR_SRC:%.c=$(B)/musl/%.o)

$(B)/vnode-monitor: $(MONITOR_OBJ)
	$(MUSLCC) $(MUSL_CFLAGS) $(MUSL_LDFLAGS) $^ -o $@

# ---- host-side libraries: each folder is one static archive ----------------
# init/'s pure parts and hostside/monitor/ are also built for the host, for the
# unit tests (hostside/monitor/ as libhostside-monitor.a).
define hostlib
$(B)/lib$(subst /,-,$(1)).a: $(patsubst %.c,$(B)/host/%.o,$(filter-out $(1)/main.c,$(wildcard $(1)/*.c)))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach m,init mount netns hostside hostside/monitor,$(eval $(call hostlib,$(m))))

$(B)/host/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -I$(<D) -Iinclude -Imount -Inetns -c $< -o $@

-include $(shell find $(B)/musl $(B)/host -name '*.d' 2>/dev/null)

LIBS := $(B)/libhostside-monitor.a $(B)/libhostside.a $(B)/libmount.a $(B)/libnetns.a $(B)/libinit.a

$(B)/vnode: hostside/main.c $(LIBS)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -Iinclude -Ihostside -Imount -Inetns $< $(LIBS) $(HOSTLIBS) $(LDFLAGS) -o $@

# ---- tests -----------------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
HELPER_SRC := $(wildcard tests/helpers/*.c)
HELPER_BIN := $(HELPER_SRC:tests/helpers/%.c=$(B)/tests/helpers/%)

# A test or helper named <module>_*.c links that module's archive only, so one
# folder's half-done work never breaks another's tests; hostside_* links all.
TINC := -Iinclude -Iinit -Imount -Inetns -Ihostside
define testprog
$(B)/tests/$(1)/test_$(2)_%: tests/$(1)/test_$(2)_%.c $(3)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(EXTRA_CFLAGS) $$(TINC) $$< $(3) -lcmocka $$(HOSTLIBS) -o $$@
$(B)/tests/helpers/$(2)_%: tests/helpers/$(2)_%.c $(3) tests/helpers/bench_time.h
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(EXTRA_CFLAGS) $$(TINC) $$< $(3) $$(HOSTLIBS) -o $$@
endef
$(eval $(call testprog,unit,init,$(B)/libinit.a))
$(eval $(call testprog,unit,mount,$(B)/libmount.a))
$(eval $(call testprog,unit,netns,$(B)/libnetns.a))
$(eval $(call testprog,unit,hostside,$(LIBS)))

# The escape suite's programs run inside vnodes of any image: static musl.
ESCAPE_BIN := $(patsubst tests/escape/%.c,$(B)/tests/escape/%,$(wildcard tests/escape/*.c))
$(B)/tests/escape/%: tests/escape/%.c $(KINC)/.stamp
	@mkdir -p $(@D)
	$(MUSLCC) $(MUSL_CFLAGS) $(MUSL_LDFLAGS) $< -o $@

helpers: $(HELPER_BIN) $(ESCAPE_BIN)

unit: deps $(UNIT_BIN)
	@sh tests/run.sh unit

integration: deps all
	@sh tests/run.sh integration

test: deps all $(UNIT_BIN)
	@sh tests/run.sh all

soak: deps all
	@sh tests/run.sh soak

# Debian's 6.1 kernel, cgroup v2 alone, under qemu (TCG): tests/vm/run.sh
test-vm: deps all helpers
	@sh tests/vm/lane.sh

check: deps fuzz-build
	$(MAKE) B=build/asan EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer" \
		build/asan/libinit.a $(UNIT_SRC:tests/unit/%.c=build/asan/tests/unit/%)
	B=build/asan sh tests/run.sh unit
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--suppress=missingIncludeSystem include init mount netns hostside
	sh tests/fuzz/run.sh build/fuzz --seconds 3

# ---- fuzzing: a libFuzzer target per parser of outside input (tests/fuzz/) ----------
# Built by clang under ASan and UBSan in build/fuzz, run from their seed corpora
# (tests/fuzz/corpus/TARGET/) by tests/fuzz/run.sh, which fails on any finding.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_EXECS ?= 10000000

$(B)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -fsanitize=fuzzer $(TINC) $< $(LIBS) $(HOSTLIBS) -o $@

fuzz-build:
	@sh tests/deps.sh clang cppcheck
	$(MAKE) CC=clang B=build/fuzz EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
		$(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/tests/fuzz/%)

fuzz: fuzz-build
	sh tests/fuzz/run.sh build/fuzz --execs $(FUZZ_EXECS)

# ---- demo and benchmarks -----------------------------------------------------
demo: deps all
	@sh images/demo.sh

bench: deps all
	@sh bench/run.sh

# ---- install: the programs, the compatibility names, the man pages, the units
PREFIX ?= /usr/local
UNITDIR ?= /lib/systemd/system
install: $(B)/vinit $(VNODE)
	install -D -m 755 $(B)/vinit $(DESTDIR)/sbin/vinit
	install -D -m 755 $(B)/vnode $(DESTDIR)$(PREFIX)/sbin/vnode
	install -D -m 755 $(B)/vnode-monitor $(DESTDIR)$(PREFIX)/libexec/vnode/vnode-monitor
	for n in pretend-boot bootvnodes vnodesetup; do ln -sf vnode $(DESTDIR)$(PREFIX)/sbin/$$n; \
		install -d $(DESTDIR)$(PREFIX)/share/man/man8; \
		echo '.so man8/vnode.8' >$(DESTDIR)$(PREFIX)/share/man/man8/$$n.8; done
	for m in man/*.[0-9]; do install -D -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$${m##*.}/$${m##*/}; done
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/sbin/vnode|$(PREFIX)/sbin/vnode|' systemd/vnode@.service >$(DESTDIR)$(UNITDIR)/vnode@.service
	install -m 644 systemd/vnode.target $(DESTDIR)$(UNITDIR)/vnode.target

# The Debian package, lintian-clean, in $(B)/deb (debian/make-deb.sh).
deb:
	sh debian/make-deb.sh $(B)/deb

# A Debian minbase vnode root (debootstrap, needs the mirror; minutes, so not in `make test`).
image-debian: deps all
	sh images/debian.sh $(B)/debian-root

test-debian: image-debian
	sh images/debian-test.sh $(B)/debian-root

clean:
	rm -rf $(B)
