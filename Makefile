# vfsd - privilege-separated VirtFS (9P2000.L) file server.
# Plain GNU make; libraries are found with pkg-config.  Generated protobuf-c
# code lives under $(B)/gen and is never committed.
#
#   make            build $(B)/vfsd, $(B)/vfsd-helper and the tests
#   make check      run every test (also an ASan+UBSan build of the unit tests)
#   make demo       boot a small Linux guest that mounts a sample export
#   make bench      benchmarks against the peers (prints a table)
#   make SAN=1      build into build-san/ with -fsanitize=address,undefined
#   make fuzz       libFuzzer targets (clang) in build-fuzz/, each run for
#                   FUZZ_SECONDS (default 300) on its corpus in fuzz/corpus/

SAN ?=
ifeq ($(SAN),1)
B ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
B ?= build
SANFLAGS =
endif

CC ?= gcc
PKGS = libprotobuf-c libseccomp libcap-ng libacl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wmissing-prototypes \
       -Wmissing-declarations -Wstrict-prototypes -Werror=format=2 \
       -Werror=switch-default -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) \
             -I. -I$(B)/gen $(PKG_CFLAGS) -pthread -MMD -MP
LDLIBS = $(PKG_LIBS) -pthread
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

PROTO_C = $(B)/gen/proto/vfsd.pb-c.c
PROTO_H = $(B)/gen/proto/vfsd.pb-c.h

COMMON_SRC   = $(wildcard common/*.c)
POLICY_SRC   = $(wildcard policy/*.c)
HELPER_SRC   = $(filter-out helper/main.c,$(wildcard helper/*.c))
FRONTEND_SRC = $(filter-out frontend/main.c,$(wildcard frontend/*.c))
TEST_SRC     = $(wildcard tests/unit/test_*.c)
TOOL_SRC     = $(wildcard tests/tools/*.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
COMMON_OBJ   = $(call obj,$(COMMON_SRC)) $(B)/obj/gen/vfsd.pb-c.o
POLICY_OBJ   = $(call obj,$(POLICY_SRC))
HELPER_OBJ   = $(call obj,$(HELPER_SRC))
FRONTEND_OBJ = $(call obj,$(FRONTEND_SRC))
TEST_BIN     = $(patsubst tests/unit/%.c,$(B)/tests/%,$(TEST_SRC))
TOOL_BIN     = $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRC))

LIBCOMMON   = $(B)/libcommon.a
LIBPOLICY   = $(B)/libpolicy.a
LIBHELPER   = $(B)/libhelper.a
LIBFRONTEND = $(B)/libfrontend.a

all: $(B)/vfsd $(B)/vfsd-helper $(TEST_BIN) $(TOOL_BIN)

$(PROTO_C) $(PROTO_H): proto/vfsd.proto
	@mkdir -p $(B)/gen
	protoc-c --c_out=$(B)/gen $<

$(B)/obj/gen/vfsd.pb-c.o: $(PROTO_C)
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(CFLAGS) $(SANFLAGS) -I$(B)/gen $(PKG_CFLAGS) -c $< -o $@

$(B)/obj/%.o: %.c $(PROTO_H)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIBCOMMON): $(COMMON_OBJ)
	@rm -f $@; ar rcs $@ $^
$(LIBPOLICY): $(POLICY_OBJ)
	@rm -f $@; ar rcs $@ $^
$(LIBHELPER): $(HELPER_OBJ)
	@rm -f $@; ar rcs $@ $^
$(LIBFRONTEND): $(FRONTEND_OBJ)
	@rm -f $@; ar rcs $@ $^

# The helper never links frontend code: it does not parse 9P.
$(B)/vfsd-helper: $(B)/obj/helper/main.o $(LIBHELPER) $(LIBPOLICY) $(LIBCOMMON)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/vfsd: $(B)/obj/frontend/main.o $(LIBFRONTEND) $(LIBPOLICY) $(LIBCOMMON)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

TEST_LIBS = $(LIBFRONTEND) $(LIBHELPER) $(LIBPOLICY) $(LIBCOMMON)
$(B)/tests/%: $(B)/obj/tests/unit/%.o $(B)/obj/tests/unit/tap.o $(TEST_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(B)/obj/tests/unit/tap.o $(TEST_LIBS) $(LDLIBS)

$(B)/tools/%: $(B)/obj/tests/tools/%.o $(TEST_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TEST_LIBS) $(LDLIBS)

# Fuzz targets: clang, libFuzzer + ASan + UBSan, every library source
# compiled into each target (fuzz/README.md).
FUZZ_B = build-fuzz
FUZZ_BIN = $(patsubst fuzz/%.c,$(FUZZ_B)/%,$(wildcard fuzz/fuzz_*.c))
FUZZ_SRC = $(COMMON_SRC) $(POLICY_SRC) $(HELPER_SRC) $(FRONTEND_SRC) \
           $(FUZZ_B)/gen/proto/vfsd.pb-c.c
FUZZ_CFLAGS = -std=gnu11 -D_GNU_SOURCE -DVFSD_FUZZING -g -O1 \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
              -I. -I$(FUZZ_B)/gen $(PKG_CFLAGS) -pthread

$(FUZZ_B)/gen/proto/vfsd.pb-c.c: proto/vfsd.proto
	@mkdir -p $(FUZZ_B)/gen
	protoc-c --c_out=$(FUZZ_B)/gen $<

$(FUZZ_B)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_SRC) $(wildcard */*.h)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRC) $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: deps fuzz-build
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} sh tests/integration/fuzz.sh

deps:
	@sh tests/deps.sh

check: deps all
	@$(MAKE) --no-print-directory SAN=1 all
	@sh tests/run.sh

demo: deps all
	@sh tests/demo.sh

bench: deps all
	@sh bench/run.sh

clean:
	rm -rf build build-san build-fuzz

.PHONY: all check demo bench deps clean fuzz fuzz-build
.SECONDARY:
-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
