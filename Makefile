# pirx: cross-incident analytics. `make run` and `make check` are the two
# commands a new user needs; both install missing Debian packages first.

PREFIX   ?= /usr/local
CC       ?= cc
SANITIZE ?=

ifeq ($(SANITIZE),)
BUILD    ?= build
OPT      ?= -O2 -g
else
BUILD    ?= build/san
OPT      ?= -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
SANLD    := -fsanitize=$(SANITIZE)
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
        -Wmissing-prototypes -Wvla -Wwrite-strings
ifeq ($(CI),true)
WARN += -Werror
endif

# Recursively expanded on purpose: pkg-config may only exist after `deps`.
PKG_CFLAGS = $(shell pkg-config --cflags sqlite3 gsl)
PKG_LIBS   = $(shell pkg-config --libs sqlite3 gsl) -lcsv -lstemmer -lyaml -lm -pthread
ALL_CFLAGS = -std=c11 -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) \
             -Iinclude $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANLD) $(LDFLAGS)

# Debian packages the build, the tests and the charts need.
DEB_PKGS := gcc make pkg-config libsqlite3-dev libgsl-dev libcsv-dev \
            libstemmer-dev libyaml-dev libcmocka-dev gnuplot-nox sqlite3 tzdata
# Only for `make check` (headless browser test of report.html) and `make bench`.
CHECK_PKGS := chromium
BENCH_PKGS := time python3-pandas
PG_PKGS := postgresql
VALGRIND_PKGS := valgrind

LIB_SRC   := $(filter-out src/main.c,$(sort $(wildcard src/*.c)))
LIB_OBJ   := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC)) \
             $(BUILD)/obj/gen_queries.o $(BUILD)/obj/gen_reports.o
QUERIES   := $(sort $(wildcard queries/*.sql))
REPORTS   := $(sort $(wildcard reports/*))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
HEADERS   := $(wildcard include/pirx/*.h)

.PHONY: all deps run check valgrind tsan unit e2e bench pgcheck fuzz install clean

all: $(BUILD)/pirx

deps:
	@missing=""; \
	for p in $(DEB_PKGS) $(EXTRA_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "pirx: installing missing packages:$$missing" >&2; \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null; then sudo="sudo"; \
	  else echo "pirx: need root or sudo to install:$$missing" >&2; exit 1; fi; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(BUILD)/obj $(BUILD)/gen $(BUILD)/tests:
	@mkdir -p $@

$(BUILD)/gen/gen_queries.c: $(QUERIES) src/embed.awk | $(BUILD)/gen
	awk -v var=pirx_embedded_queries -f src/embed.awk $(QUERIES) > $@

$(BUILD)/gen/gen_reports.c: $(REPORTS) src/embed.awk | $(BUILD)/gen
	awk -v var=pirx_embedded_reports -f src/embed.awk $(REPORTS) > $@

$(BUILD)/obj/gen_%.o: $(BUILD)/gen/gen_%.c include/pirx/embed.h | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c $< -o $@

$(BUILD)/obj/%.o: src/%.c $(HEADERS) | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libpirx.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/pirx: $(BUILD)/obj/main.o $(BUILD)/libpirx.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libpirx.a $(HEADERS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libpirx.a $(PKG_LIBS) -lcmocka

# The sample month's report, from the corpus shipped in data/sample/.
run: deps
	@$(MAKE) --no-print-directory all
	./$(BUILD)/pirx report --corpus data/sample --out out/sample
	@echo "pirx: open out/sample/report.html (or read out/sample/report.md)"

check: EXTRA_PKGS += $(CHECK_PKGS)
check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN)
	@TZ=UTC LC_ALL=C BUILD=$(BUILD) sh tests/run.sh

# Every end-to-end case with pirx under valgrind's memcheck (the plain
# build: -O2 -g). A memory error or a definite leak fails the case.
valgrind: EXTRA_PKGS += $(CHECK_PKGS) $(VALGRIND_PKGS)
valgrind: deps
	@$(MAKE) --no-print-directory all
	@TZ=UTC LC_ALL=C BUILD=$(BUILD) VALGRIND=1 sh tests/e2e/run.sh

# The load's threads under ThreadSanitizer: the writer (src/dbq.c) and the
# background write-back (src/fsutil.c), their unit tests, the loader's,
# and the end-to-end case that loads on one thread and on two. A reported
# race makes pirx exit 66 and fails them.
tsan: deps
	@$(MAKE) --no-print-directory BUILD=build/tsan SANITIZE=thread \
	  build/tsan/pirx build/tsan/tests/test_dbq build/tsan/tests/test_corpus \
	  build/tsan/tests/test_fsutil
	@build/tsan/tests/test_dbq && build/tsan/tests/test_corpus && build/tsan/tests/test_fsutil
	@TZ=UTC LC_ALL=C BUILD=build/tsan E2E_ONLY=0016-load-writer-thread sh tests/e2e/run.sh

# queries/ on PostgreSQL, translated as docs/scale.md says, against SQLite's
# answers (tests/pg/run.sh; a throwaway cluster, about 20 s).
pgcheck: EXTRA_PKGS += $(PG_PKGS)
pgcheck: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh tests/pg/run.sh

bench: EXTRA_PKGS += $(BENCH_PKGS)
bench: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/pirx $(DESTDIR)$(PREFIX)/bin/pirx

clean:
	rm -rf build

# libFuzzer harnesses (clang), each run for FUZZ_SECONDS, seeded from
# tests/fuzz/seeds and the csv-spectrum cases when ../shared/realdata exists.
FUZZ_SECONDS ?= 60
FUZZ_DIR     := build/fuzz
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_SRC     := $(filter-out src/cmd_%.c,$(LIB_SRC))
FUZZ_TARGETS := time csv corpus

fuzz: deps
	@$(MAKE) --no-print-directory $(BUILD)/gen/gen_queries.c $(BUILD)/gen/gen_reports.c
	@mkdir -p $(FUZZ_DIR)
	@for t in $(FUZZ_TARGETS); do \
	  clang -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude $(PKG_CFLAGS) $(FUZZ_FLAGS) \
	    -fsanitize=fuzzer tests/fuzz/fuzz_$$t.c $(FUZZ_SRC) $(BUILD)/gen/gen_queries.c $(BUILD)/gen/gen_reports.c \
	    -o $(FUZZ_DIR)/fuzz_$$t $(PKG_LIBS) || exit 1; \
	done
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_DIR)/corpus_$$t; \
	  seeds="tests/fuzz/seeds/$$t"; \
	  if [ $$t = csv ] && [ -d ../shared/realdata/csv-spectrum/csvs ]; then seeds="$$seeds ../shared/realdata/csv-spectrum/csvs"; fi; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -artifact_prefix=$(FUZZ_DIR)/crash_$$t- $(FUZZ_DIR)/corpus_$$t $$seeds 2>&1 | tail -n 3 || exit 1; \
	done
