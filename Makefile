# podcue - terminal podcast browser and player.
#
#   make            build ./build/podcue
#   make check      install missing packages; build with gcc, with clang
#                   ASan+UBSan and with clang TSan; run the unit tests on
#                   the first two, the end-to-end tests on ASan+UBSan and
#                   the threaded tests on TSan (scripts/check.sh)
#   make check-quick  the gcc build only, every test once (no sanitizers)
#   make demo       install missing packages, build, open the offline demo
#   make bench      benchmarks (never part of check)
#   make install    PREFIX=/usr/local DESTDIR= (the program, its man page,
#                   config.example and the podcue.desktop entry)
#
# Out-of-tree style: everything built goes under $(BUILD). A sanitizer build
# is just another BUILD directory with SAN=1 (ASan+UBSan) or SAN=thread
# (TSan), e.g. make CC=clang BUILD=build/tsan SAN=thread unit.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share
DESTDIR    ?=
PKG_CONFIG ?= pkg-config
CC         ?= cc
BUILD      ?= build
SAN        ?= 0

PKGS := ncursesw mpv libcurl sqlite3 libxml-2.0 jansson

CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wno-unused-parameter
CPPFLAGS += -D_GNU_SOURCE -Iinclude
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# libmpv and libcurl are opened at run time rather than linked (src/player.c,
# src/curl_lazy.c): their dependent libraries (~200 and ~30) would otherwise
# load at every start, and most runs never play or fetch. Their headers
# still come from pkg-config above; libcurl is opened by the SONAME of the
# library pkg-config points at.
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(filter-out mpv libcurl,$(PKGS)) 2>/dev/null)
CURL_SONAME := $(shell objdump -p $$($(PKG_CONFIG) --variable=libdir libcurl 2>/dev/null)/libcurl.so \
                 2>/dev/null | awk '$$1 == "SONAME" { print $$2 }')
ifneq ($(CURL_SONAME),)
CPPFLAGS += -DPODCUE_CURL_SONAME='"$(CURL_SONAME)"'
endif
LDLIBS   += $(PKG_LIBS) -lm -lpthread -ldl

# MPRIS (media keys, desktop now-playing widgets) over sd-bus from
# libsystemd (src/mpris.c). Without libsystemd's headers podcue builds
# without it; MPRIS=0 leaves it out on purpose.
MPRIS ?= $(shell $(PKG_CONFIG) --exists libsystemd 2>/dev/null && echo 1 || echo 0)
ifeq ($(MPRIS),1)
CPPFLAGS += -DPODCUE_MPRIS
PKG_CFLAGS += $(shell $(PKG_CONFIG) --cflags libsystemd)
LDLIBS   += $(shell $(PKG_CONFIG) --libs libsystemd)
endif

# Line tables are all a sanitizer's report needs (function, file, line), and
# they build quicker than full debug information.
ifeq ($(SAN),1)
SANFLAGS := -O1 -gline-tables-only -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined
endif
# SAN=thread: ThreadSanitizer (clang), for the threaded parts: the refresh
# pipeline, the worker, the player's event thread. Use its own BUILD dir.
ifeq ($(SAN),thread)
SANFLAGS := -O1 -gline-tables-only -fsanitize=thread -fno-omit-frame-pointer
endif

ALL_CFLAGS  = $(WARN) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

SRC      := $(wildcard src/*.c)
OBJ      := $(SRC:src/%.c=$(BUILD)/obj/%.o)
LIBOBJ   := $(filter-out $(BUILD)/obj/main.o,$(OBJ))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all check check-quick unit deps demo bench install uninstall clean fuzz docs

all: $(BUILD)/podcue $(BUILD)/podcue.1

# Quiet by default (the pkg-config flags are long); V=1 shows full commands.
ifeq ($(V),1)
Q :=
say = @:
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif

$(BUILD)/podcue: $(OBJ)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The unit tests and tools link the program's objects from an archive, so
# each takes only the modules it uses (quicker links, for 70-odd tests and
# three builds in make check).
$(BUILD)/libpodcue.a: $(LIBOBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $(LIBOBJ)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libpodcue.a | $(BUILD)/tests
	$(call say,TEST,$@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Itests/unit -MMD -MP $(ALL_LDFLAGS) -o $@ $< \
		$(BUILD)/libpodcue.a $(LDLIBS) $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libpodcue.a | $(BUILD)/bench
	$(call say,BENCH,$@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libpodcue.a $(LDLIBS)

$(BUILD)/obj $(BUILD)/tests $(BUILD)/bench:
	mkdir -p $@

# Documentation generated from the program's own tables (tools/gendoc.c):
# the man page at build time; README's key table and config.example with
# `make docs` (a test fails when they drift).
$(BUILD)/gendoc: tools/gendoc.c $(BUILD)/libpodcue.a
	$(call say,LD,$@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libpodcue.a $(LDLIBS)

$(BUILD)/podcue.1: doc/podcue.1.in $(BUILD)/gendoc
	$(call say,GEN,$@)
	$(Q)$(BUILD)/gendoc man doc/podcue.1.in >$@.tmp && mv $@.tmp $@

docs: $(BUILD)/gendoc $(BUILD)/podcue.1
	$(Q)$(BUILD)/gendoc config >config.example
	$(Q)sh scripts/readme-keys.sh $(BUILD)/gendoc README.md

unit: $(BUILD)/podcue $(BUILD)/gendoc $(BUILD)/podcue.1 $(UNIT_BIN)

# Installs the Debian packages the build and tests need, only when one is
# missing (the script checks first and is idempotent).
deps:
	@sh scripts/install-deps.sh

check: deps
	@sh scripts/check.sh

check-quick: deps
	@sh scripts/check.sh --quick

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@sh bench/run.sh

install: $(BUILD)/podcue $(BUILD)/podcue.1
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BUILD)/podcue $(DESTDIR)$(BINDIR)/podcue
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(BUILD)/podcue.1 $(DESTDIR)$(MANDIR)/man1/podcue.1
	install -d $(DESTDIR)$(DATADIR)/doc/podcue
	install -m 644 config.example $(DESTDIR)$(DATADIR)/doc/podcue/config.example
	install -d $(DESTDIR)$(DATADIR)/applications
	install -m 644 assets/podcue.desktop $(DESTDIR)$(DATADIR)/applications/podcue.desktop

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/podcue
	rm -f $(DESTDIR)$(MANDIR)/man1/podcue.1
	rm -rf $(DESTDIR)$(DATADIR)/doc/podcue
	rm -f $(DESTDIR)$(DATADIR)/applications/podcue.desktop

# ---- fuzz ------------------------------------------------------------------
# make fuzz [FUZZ_TIME=60] [FUZZ_TARGETS="feed html"]: builds the libFuzzer
# targets in fuzz/ with clang (libFuzzer + ASan + UBSan; Debian: clang and
# libclang-rt-14-dev) into $(BUILD)/fuzz and runs each for FUZZ_TIME seconds,
# one after another, from a seed corpus made of the project's fixtures; see
# fuzz/run.sh. Never part of check. Only the parser sources are compiled
# (with -fsanitize=fuzzer-no-link), so work in progress elsewhere cannot
# break it.
FUZZ_TIME    ?= 60
FUZZ_CC      ?= clang
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_ALL     := feed chapnotes chapjson opml html text id3chap
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_LIBSRC  := feed feed_node feed_xml chapter chapnotes chapnotes_scan chapjson opml html text \
                id3chap ptime util
FUZZ_OBJ     := $(patsubst %,$(FUZZ_DIR)/obj/%.o,$(filter $(FUZZ_LIBSRC),$(SRC:src/%.c=%)))
FUZZ_BIN     := $(FUZZ_ALL:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(WARN) -O1 -g $(FUZZ_SAN) \
                $(shell $(PKG_CONFIG) --cflags libxml-2.0 libcurl jansson 2>/dev/null)
FUZZ_LIBS    := $(shell $(PKG_CONFIG) --libs libxml-2.0 libcurl jansson 2>/dev/null) -lm

fuzz: $(FUZZ_BIN)
	@sh fuzz/run.sh $(FUZZ_DIR) $(FUZZ_TIME) $(FUZZ_TARGETS)

$(FUZZ_DIR)/obj/%.o: src/%.c | $(FUZZ_DIR)/obj
	$(call say,FZCC,$<)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_OBJ) | $(FUZZ_DIR)/obj
	$(call say,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< \
		$(FUZZ_OBJ) $(FUZZ_LIBS)

# Objects are real targets, not intermediates make may delete.
.SECONDARY: $(FUZZ_OBJ)

$(FUZZ_DIR)/obj:
	mkdir -p $@

-include $(FUZZ_OBJ:.o=.d) $(FUZZ_BIN:=.d)

clean:
	rm -rf build

-include $(OBJ:.o=.d) $(UNIT_BIN:=.d) $(BENCH_BIN:=.d) $(BUILD)/gendoc.d
