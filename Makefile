# nook: an OCI container runtime.
#   make            build build/nook
#   make deps       install build and test dependencies (apt-get, idempotent)
#   make demo       build nook, a busybox bundle, and run a container in it
#   make check      every test suite; last line "N passed, M failed"
#                   (includes the cgroup v2 suites in one run-in-vm boot: make check-vm)
#   make check-daemons     only the containerd and podman suites (RUNTIME=runc: the reference)
#   make check-daemons-vm  their core checks on pure cgroup v2, inside run-in-vm (7-12 min)
#   make asan       ASan+UBSan build in build/asan/nook; make check runs every suite
#                   with it too (CHECK_ASAN=0 to skip; NOOK=... to test another binary)
#   make bench      nook vs crun, runc and the floor; make bench-vm: the same on cgroup v2
#                   (tests/bench/README.md; never part of make check)
#   make test-build fault-injection build in build/test/nook (NOOK_FAULT=<point>|list)
#   make fuzz       libFuzzer harnesses (tests/fuzz), each for FUZZ_SECONDS (default 60)
#   make soak       5,000 run cycles with RSS, fds, mounts and cgroups checked flat
#   make install PREFIX=/usr/local
#   make format / format-check

PREFIX ?= /usr/local
CC ?= cc
PKGS := libseccomp libcap yajl
VERSION := 0.1.0
GIT_COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wformat=2 -Wvla
BASE_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -Isrc \
	-DNOOK_VERSION='"$(VERSION)"' -DNOOK_COMMIT='"$(GIT_COMMIT)"' \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CFLAGS ?= -O2 -g
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lseccomp -lcap -lyajl) -lm
# Unit tests also link libcgroup: it is the oracle nook's own v1 mount
# discovery is checked against (tests/unit/test_cgroup_layout.c).
TEST_LDLIBS := $(LDLIBS) $(shell pkg-config --libs libcgroup 2>/dev/null || echo -lcgroup)
# build/nook itself is linked static-pie (STATIC=0: dynamic): every command is a
# short-lived process, and the loader resolving four shared libraries was 0.4-0.6 ms
# of each (nook state: 1.2 ms -> 0.8 ms) and half its peak RSS (2 MiB -> 1.1 MiB);
# PIE keeps ASLR. Debian ships yajl's archive as libyajl_s.a. (tests/bench/README.md)
STATIC ?= 1
NOOK_LDFLAGS := $(if $(filter 1,$(STATIC)),-static-pie)
NOOK_LDLIBS := $(if $(filter 1,$(STATIC)),$(patsubst -lyajl,-lyajl_s,$(shell pkg-config --static --libs $(PKGS) 2>/dev/null || echo -lseccomp -lcap -lyajl) -lm),$(LDLIBS))

SRCS := $(shell find src -name '*.c' | LC_ALL=C sort)
CORE_SRCS := $(filter-out src/main.c,$(SRCS))
OBJS := $(SRCS:%.c=build/obj/%.o)
ASAN_OBJS := $(SRCS:%.c=build/asan-obj/%.o)
TEST_OBJS := $(SRCS:%.c=build/test-obj/%.o)
FUZZ_OBJS := $(CORE_SRCS:%.c=build/fuzz-obj/%.o)
FUZZ_CC ?= clang
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
BENCH_TOOLS := build/bench/bench-driver build/bench/bench-floor \
	build/bench/bench-rss-floor-seccomp
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/tests/%)

# a failed link must not leave a half-written build/nook that make thinks is fresh
.DELETE_ON_ERROR:

.PHONY: all deps demo check check-unit check-integration check-vm check-daemons check-daemons-vm asan install uninstall format format-check clean helper test-build fuzz fuzz-build soak

all: build/nook helper

# build/nook is stripped, its debug info in build/nook.debug (gdb and perf find
# it through the debuglink): create, run and exec re-execute nook from a copy
# when no read-only overlay of its directory can be made (src/cloned_binary.c),
# and that copy was 2.9 MB with debug info, 1.6 MB without.
build/nook: $(OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(NOOK_LDFLAGS) -o $@.full $^ $(NOOK_LDLIBS)
	objcopy --only-keep-debug $@.full $@.debug
	objcopy --strip-all --add-gnu-debuglink=$@.debug $@.full $@
	@rm -f $@.full

build/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# --version prints the commit: rebuild main.o when HEAD moves
build/commit.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(GIT_COMMIT)' | cmp -s - $@ || echo '$(GIT_COMMIT)' > $@
build/obj/src/main.o build/asan-obj/src/main.o build/test-obj/src/main.o: build/commit.stamp
.PHONY: FORCE
FORCE:

asan: build/asan/nook helper $(UNIT_SRCS:tests/unit/%.c=build/asan-tests/%)

build/asan/nook: $(ASAN_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LDLIBS)

build/asan-obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(ASAN_FLAGS) -MMD -MP -c -o $@ $<

# Release code with NK_FAULT_POINT()s live (src/util/fault.h): tests only.
test-build: build/test/nook

build/test/nook: $(TEST_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build/test-obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -DNOOK_FAULT_INJECTION -MMD -MP -c -o $@ $<

# libFuzzer harnesses: the core built with clang, ASan and UBSan.
fuzz-build: $(FUZZ_BINS)

build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(LDLIBS)

build/fuzz-obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

soak: all
	@SOAK_CYCLES=$${SOAK_CYCLES:-5000} NOOK=$(NOOK) tests/soak/soak.sh

# The in-container probe: static so it runs in a bare busybox rootfs.
helper: build/nook-probe build/nook-recvtty build/nook-seccomp-listener
build/nook-probe: tests/helper/nook-probe.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<
# The caller's side of --console-socket, run on the host by tests.
build/nook-recvtty: tests/helper/nook-recvtty.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

# The end of linux.seccomp.listenerPath, run on the host by seccomp.bats.
build/nook-seccomp-listener: tests/helper/nook-seccomp-listener.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

# make bench-seccomp: median cost of a 300-rule profile, compiled vs cached.
.PHONY: bench-seccomp
bench-seccomp: build/bench/seccomp_compile
	@build/bench/seccomp_compile 100
build/bench/seccomp_compile: tests/bench/seccomp_compile.c $(CORE_SRCS:%.c=build/obj/%.o)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< $(CORE_SRCS:%.c=build/obj/%.o) $(LDLIBS)

# Unit tests link the core objects directly (no main.c).
build/tests/%: tests/unit/%.c $(CORE_SRCS:%.c=build/obj/%.o) tests/unit/unit.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -Itests/unit -o $@ $< $(CORE_SRCS:%.c=build/obj/%.o) $(TEST_LDLIBS)

build/asan-tests/%: tests/unit/%.c $(CORE_SRCS:%.c=build/asan-obj/%.o) tests/unit/unit.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(ASAN_FLAGS) -Itests/unit -o $@ $< $(CORE_SRCS:%.c=build/asan-obj/%.o) $(TEST_LDLIBS)

deps:
	@tests/deps.sh

demo: all
	@tests/demo.sh

NOOK ?= $(CURDIR)/build/nook
# CHECK_ASAN=0 skips the sanitizer pass (e.g. when NOOK points elsewhere).
CHECK_ASAN ?= 1
check: all test-build fuzz-build $(UNIT_BINS) $(BENCH_TOOLS) $(if $(filter 1,$(CHECK_ASAN)),asan)
	@$(MAKE) -s format-check
	@NOOK=$(NOOK) FUZZ_SECONDS=$(FUZZ_SECONDS) $(if $(filter 1,$(CHECK_ASAN)),NOOK_ASAN=$(CURDIR)/build/asan/nook) tests/run-all.sh

check-unit: $(UNIT_BINS)
	@tests/run-all.sh unit

check-integration: all
	@NOOK=$(NOOK) tests/run-all.sh integration

# The cgroup v2 suites in one VM boot (make check runs them too).
check-vm: all
	@tests/run-all.sh vm

check-daemons: all
	@NOOK=$(NOOK) tests/run-all.sh daemons

# run, exec, memory limit and pause under containerd and podman on cgroup v2, in one VM boot.
check-daemons-vm: all
	@NOOK=$(NOOK) tests/run-all.sh daemons-vm

install: build/nook
	install -D -m 0755 build/nook $(DESTDIR)$(PREFIX)/bin/nook

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/nook

FORMAT_FILES = $(shell find src tests -name '*.[ch]' | LC_ALL=C sort)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	@clang-format --dry-run -Werror $(FORMAT_FILES) && echo "format: ok"

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d)

# `make bench`: nook against crun, runc and the floor (tests/bench/README.md).
# Not part of `make check`: speed is never a timed test. BENCH_N=50 by default.
build/bench/bench-%: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<
# Linked like build/nook (static-pie, the same libraries' archives).
build/bench/bench-rss-floor-seccomp: tests/bench/rss_floor.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror $(shell pkg-config --cflags yajl 2>/dev/null) \
		-static-pie -o $@ $< -lseccomp -lyajl_s
bench: build/nook $(BENCH_TOOLS)
	@python3 tests/bench/bench.py
# The same inside the pure cgroup v2 VM (times distorted there; ratios tell).
RUN_IN_VM ?= /work/shared/vm/run-in-vm
BENCH_VM_N ?= 8
BENCH_VM_SIZES ?= 10,50
bench-vm: build/nook $(BENCH_TOOLS)
	$(RUN_IN_VM) --timeout 3000 --env BENCH_N=$(BENCH_VM_N) --env BENCH_REPS=1 \
		--env BENCH_SIZES=$(BENCH_VM_SIZES) --env BENCH_OUT=build/bench/vm -- python3 tests/bench/bench.py
.PHONY: bench bench-vm
