# SPDX-License-Identifier: GPL-2.0
#
# make          pocvm: native on an arm64 host, else a static aarch64 cross build
# make unit     Check unit tests (native, and arm64-only code under qemu-user)
# make boot     the nested boot tests (tests/boot/run)
# make check    unit + boot
# make deps     install every package the build and the tests need
# make fuzz     libFuzzer targets, FUZZ_SECONDS each (not part of check)
# make demo     boot the bundled guest with pocvm
# make bench    every benchmark (figures only): start-up, memory, PoC clean, ...
# make bench-flush  the PoC clean's cost per method and guest size
# make bench-blk    virtio-blk 4 KiB random-read IOPS, guest vs. host
# make bench-blk-host  pocvm's virtio-blk backend vs. fio, on this host (no KVM)
# make bench-9p     virtio-9p: 64 MiB read and find over 10k files, guest vs.
#                   host (and vs. lkvm, POCVM_ALSO builds), two mount modes
# make bench-versus pocvm side by side with kvmtool's lkvm (LKVM=PATH):
#                   start-up, memory, Linux boot, virtio-blk, many VMs
# make bench-net    virtio-net: TCP both ways and connection rate, passt vs. tap

HOST_ARCH := $(shell uname -m)
BUILD := build
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

# Debian packages the build and the tests need (host architecture). The
# boot tests also download arm64 and (for --aarch32 guests) armhf ones.
DEB_PKGS := gcc libc6-dev make pkg-config check libfdt-dev libaio-dev zlib1g-dev \
	device-tree-compiler ccache bc bison flex libssl-dev libelf-dev cpio \
	kmod xz-utils file patch qemu-system-arm qemu-user-static linux-source-6.12 \
	e2fsprogs gdb-multiarch rsync clang libclang-rt-14-dev fio \
	dosfstools mtools
ifneq ($(HOST_ARCH),aarch64)
DEB_PKGS += gcc-aarch64-linux-gnu libc6-dev-arm64-cross
endif
# arm64 packages unpacked into the sysroot for the static cross build.
SYSROOT_DEBS := libfdt-dev libaio-dev zlib1g-dev check libsubunit-dev

WARN := -Wall -Wextra -Werror -Wno-unused-parameter
BASE_CFLAGS := -std=gnu11 -O2 -g -D_GNU_SOURCE $(WARN) -Iinclude -Iarm64 -Itests/unit \
	-MMD -MP
LIBS := -lfdt -laio -lz -lpthread

ifeq ($(HOST_ARCH),aarch64)
TCC := gcc
T_CFLAGS := $(BASE_CFLAGS)
T_LDFLAGS :=
SYSROOT_STAMP :=
ARM64_RUN :=
else
TCC := aarch64-linux-gnu-gcc
SYSROOT := $(BUILD)/sysroot
SYSROOT_STAMP := $(SYSROOT)/.stamp
T_CFLAGS := $(BASE_CFLAGS) -I$(SYSROOT)/usr/include
T_LDFLAGS := -static -L$(SYSROOT)/usr/lib/aarch64-linux-gnu
ARM64_RUN := qemu-aarch64-static
endif

# Sources. Every .c is picked up: adding a module never edits this file.
SRCS := $(wildcard vmm/*.c hw/*.c hw/virtio/*.c hw/p9/*.c arm64/*.c)
# Code that needs aarch64 or arm64 KVM structures: built for the target
# only. Everything else is also built natively for the unit tests.
ARM64_ONLY := $(wildcard arm64/vcpu.c arm64/vcpu-features.c arm64/gic.c \
	arm64/cpu.c arm64/psci.c arm64/poc-clean.c arm64/sysregs.c \
	arm64/gdb-arm64.c)
HOST_SRCS := $(filter-out vmm/main.c $(ARM64_ONLY),$(SRCS))
# Device tests whose module also holds its VM glue (which pulls in vm.c
# and so the arm64 KVM code): linked into the target build only, against
# the real objects.
UNIT_VM_SRCS := tests/unit/test-virtio-net.c tests/unit/test-virtio-legacy-vm.c \
	tests/unit/test-control.c
UNIT_SRCS := $(filter-out $(UNIT_VM_SRCS),$(wildcard tests/unit/test-*.c))
# The sandbox tests run in both builds: under qemu-user the aarch64 one
# has no seccomp or Landlock and says it skipped; the rig runs it in L1.
UNIT_SANDBOX_SRCS := tests/unit/test-seccomp.c tests/unit/test-sandbox.c
UNIT_ARM64_SRCS := $(wildcard tests/unit/arm64/test-*.c) $(UNIT_VM_SRCS) \
	$(UNIT_SANDBOX_SRCS)

T_OBJS := $(SRCS:%.c=$(BUILD)/aarch64/%.o)
H_OBJS := $(HOST_SRCS:%.c=$(BUILD)/host/%.o)

.PHONY: all deps check-deps unit boot check demo clean sysroot bench bench-flush \
	bench-versus bench-blk bench-blk-host bench-9p bench-net install fuzz
PREFIX ?= /usr/local
DESTDIR ?=
all: pocvm

# 'make deps' installs; every other target only checks and says what to do.
deps:
	$(Q)missing=; \
	for p in $(DEB_PKGS); do \
		dpkg-query -W -f '$${Status}\n' $$p 2>/dev/null | \
			grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	need_arm64=; \
	if [ "$(HOST_ARCH)" != aarch64 ] && \
	   ! dpkg --print-foreign-architectures | grep -qx arm64; then \
		need_arm64=1; \
	fi; \
	need_armhf=; \
	dpkg --print-foreign-architectures | grep -qx armhf || \
		need_armhf=1; \
	if [ -n "$$missing$$need_arm64$$need_armhf" ]; then \
		echo "deps: installing$$missing"; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		[ -z "$$need_arm64" ] || $$SUDO dpkg --add-architecture arm64; \
		[ -z "$$need_armhf" ] || $$SUDO dpkg --add-architecture armhf; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null || exit 1; \
	fi
	$(Q)$(MAKE) -s sysroot

check-deps:
	$(Q)for c in $(TCC) gcc pkg-config $(ARM64_RUN); do \
		command -v $$c >/dev/null || \
		{ echo "$$c not found: run 'make deps' first" >&2; exit 1; }; \
	done; \
	pkg-config --exists check || \
		{ echo "Check not installed: run 'make deps' first" >&2; exit 1; }

sysroot: $(SYSROOT_STAMP)

ifneq ($(SYSROOT_STAMP),)
# The stamp lists the packages unpacked: a new one fetches them anew.
ifneq ($(strip $(shell cat $(SYSROOT_STAMP) 2>/dev/null)),$(strip $(SYSROOT_DEBS)))
.PHONY: $(SYSROOT_STAMP)
endif
$(SYSROOT_STAMP):
	$(Q)command -v $(TCC) >/dev/null || \
		{ echo "$(TCC) not found: run 'make deps' first" >&2; exit 1; }
	$(Q)dpkg --print-foreign-architectures | grep -qx arm64 || \
		{ echo "no arm64 packages in apt: run 'make deps' first" >&2; exit 1; }
	$(Q)rm -rf $(SYSROOT) $(BUILD)/debs && mkdir -p $(BUILD)/debs $(SYSROOT)
	$(Q)cd $(BUILD)/debs && apt-get download -qq \
		-o APT::Sandbox::User=root \
		$(SYSROOT_DEBS:%=%:arm64) >/dev/null || \
		{ echo "cannot download arm64 packages: run 'make deps'" >&2; exit 1; }
	$(Q)for d in $(BUILD)/debs/*.deb; do dpkg-deb -x $$d $(SYSROOT); done
	$(Q)echo '$(strip $(SYSROOT_DEBS))' > $@
endif

pocvm: $(T_OBJS) | check-deps
	@echo "  LD      $@"
	$(Q)$(TCC) $(T_LDFLAGS) -o $@ $(T_OBJS) $(LIBS)

$(BUILD)/aarch64/%.o: %.c | check-deps $(SYSROOT_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(TCC) $(T_CFLAGS) -c -o $@ $<

$(BUILD)/host/%.o: %.c | check-deps
	@mkdir -p $(dir $@)
	$(Q)gcc $(BASE_CFLAGS) $(shell pkg-config --cflags check) -c -o $@ $<

# Unit tests: arch-neutral code natively, arm64-only code under qemu-user.
# An archive, so a test pulls in only the modules it uses.
$(BUILD)/host/libpocvm.a: $(H_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/host/unit-tests: $(UNIT_SRCS:%.c=$(BUILD)/host/%.o) \
		$(BUILD)/host/tests/unit/unit-main.o $(BUILD)/host/libpocvm.a
	@echo "  LD      $@"
	$(Q)gcc -o $@ $^ $(shell pkg-config --libs check) $(LIBS)

UNIT_T_OBJS := $(filter-out $(BUILD)/aarch64/vmm/main.o,$(T_OBJS))
$(BUILD)/aarch64/unit-tests: $(UNIT_ARM64_SRCS:%.c=$(BUILD)/aarch64/%.o) \
		$(BUILD)/aarch64/tests/unit/unit-main.o $(UNIT_T_OBJS)
	@echo "  LD      $@"
	$(Q)$(TCC) $(T_LDFLAGS) -o $@ $^ -lcheck -lsubunit -lm -lrt $(LIBS)

# Check's per-test time limit (4 s) only guards against a hang: on 2
# cores shared with rig runs a test can need more, so it is 4x that.
CK_TIMEOUT_MULTIPLIER ?= 4
export CK_TIMEOUT_MULTIPLIER

unit: $(BUILD)/host/unit-tests $(BUILD)/aarch64/unit-tests
	@echo "unit tests ($(shell uname -m)):"
	$(Q)$(BUILD)/host/unit-tests
	@echo "unit tests (aarch64$(if $(ARM64_RUN), under $(ARM64_RUN))):"
	$(Q)$(ARM64_RUN) $(BUILD)/aarch64/unit-tests

# Fuzzing (tests/fuzz/README.md): each tests/fuzz/fuzz-<target>.c is a
# libFuzzer target, built with clang, ASan and UBSan against the host
# sources in their own object dir. Code that needs KVM or a running VM is
# left out; tests/fuzz/fake-vm.c stands in for it. Adding a target adds a
# file there, never a line here.
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 30
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -D_GNU_SOURCE \
	$(WARN) -Iinclude -Iarm64 -Itests/fuzz -MMD -MP $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link
FUZZ_EXCLUDE := vmm/vm.c vmm/event-loop.c vmm/control.c vmm/control-vm.c \
	hw/devices.c hw/virtio/bus.c $(wildcard vmm/cmd-*.c)
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_DIR)/%.o,\
	$(filter-out $(FUZZ_EXCLUDE),$(HOST_SRCS)))
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz-%.c,%,\
	$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_SUPPORT_OBJS := $(patsubst %.c,$(FUZZ_DIR)/%.o,\
	$(filter-out tests/fuzz/fuzz-%.c,$(wildcard tests/fuzz/*.c)))

$(FUZZ_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)command -v $(FUZZ_CC) >/dev/null || { echo "$(FUZZ_CC) not" \
		"found: run 'make deps' first" >&2; exit 1; }
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

# An archive, so a target pulls in only the modules it uses.
$(FUZZ_DIR)/libpocvm.a: $(FUZZ_LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz-%: $(FUZZ_DIR)/tests/fuzz/fuzz-%.o $(FUZZ_SUPPORT_OBJS) \
		$(FUZZ_DIR)/libpocvm.a
	@echo "  LD      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ -lfdt -laio \
		-lz -lpthread

.SECONDARY: $(FUZZ_SUPPORT_OBJS) \
	$(FUZZ_TARGETS:%=$(FUZZ_DIR)/tests/fuzz/fuzz-%.o)

fuzz: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz-%)
	$(Q)tests/fuzz/run $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The aarch64 unit tests go into L1 too, for the sandbox case.
boot: pocvm $(BUILD)/aarch64/unit-tests
	$(Q)tests/boot/run $(BOOT_ARGS)

check: unit
	$(Q)$(MAKE) -s boot

# Benchmarks print figures in the emulated host; they never fail a build.
# LKVM: the lkvm the side-by-side benchmark runs beside pocvm (default:
# the peers' copy beside the repository, when there is one; LKVM= for
# pocvm alone). POCVM_ALSO: other pocvm builds (pocvm.SUFFIX) beside it.
LKVM ?= $(wildcard $(abspath ../shared/peers/lkvm-arm64))
POCVM_ALSO ?=
BENCH_ENV = LKVM='$(LKVM)' POCVM_ALSO='$(POCVM_ALSO)'

bench-versus: pocvm
	$(Q)$(BENCH_ENV) tests/boot/run -b versus

bench-flush: pocvm
	$(Q)tests/boot/run -b flush

bench-blk: pocvm
	$(Q)tests/boot/run -b blk

bench-9p: pocvm
	$(Q)$(BENCH_ENV) tests/boot/run -b 9p

bench-net: pocvm
	$(Q)tests/boot/run -b net

# The backend alone on this host, against fio: native, no KVM, no rig.
$(BUILD)/host/blk-backend: $(BUILD)/host/tests/bench/blk-backend.o \
		$(BUILD)/host/libpocvm.a
	@echo "  LD      $@"
	$(Q)gcc -o $@ $^ $(LIBS)

bench-blk-host: $(BUILD)/host/blk-backend
	$(Q)tests/bench/blk-host.sh $(BUILD)/host/blk-backend

# Every benchmark in tests/boot/bench/ and the host ones: figures, never
# a verdict.
bench: pocvm $(BUILD)/host/blk-backend
	$(Q)$(BENCH_ENV) tests/boot/run -b $$(ls tests/boot/bench/*.sh | xargs -n1 basename | \
		sed 's/\.sh$$//' | paste -sd, -)
	$(Q)tests/bench/blk-host.sh $(BUILD)/host/blk-backend

demo: pocvm
	$(Q)tests/boot/demo

install: pocvm
	install -D -m 755 pocvm $(DESTDIR)$(PREFIX)/bin/pocvm
	install -D -m 644 pocvm.1 $(DESTDIR)$(PREFIX)/share/man/man1/pocvm.1
	install -D -m 755 guest/pocvm-exit $(DESTDIR)$(PREFIX)/share/pocvm/guest/pocvm-exit

clean:
	rm -rf $(BUILD) pocvm

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
