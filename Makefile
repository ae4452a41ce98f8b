# podcue - terminal podcast browser and player.
#
#   make            build ./build/podcue
#   make check      install missing packages, run unit + end-to-end tests,
#                   then the same again under ASan+UBSan
#   make demo       install missing packages, build, open the offline demo
#   make bench      benchmarks (never part of check)
#   make install    PREFIX=/usr/local DESTDIR=
#
# Out-of-tree style: everything built goes under $(BUILD). A sanitizer build
# is just another BUILD directory with SAN=1.

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
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
LDLIBS   += $(PKG_LIBS) -lm -lpthread

ifeq ($(SAN),1)
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined
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

.PHONY: all check unit deps demo bench install uninstall clean fuzz

all: $(BUILD)/podcue

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

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJ) | $(BUILD)/tests
	$(call say,TEST,$@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Itests/unit -MMD -MP $(ALL_LDFLAGS) -o $@ $< \
		$(LIBOBJ) $(LDLIBS) $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

$(BUILD)/bench/%: bench/%.c $(LIBOBJ) | $(BUILD)/bench
	$(call say,BENCH,$@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP $(ALL_LDFLAGS) -o $@ $< $(LIBOBJ) $(LDLIBS)

$(BUILD)/obj $(BUILD)/tests $(BUILD)/bench:
	mkdir -p $@

unit: $(BUILD)/podcue $(UNIT_BIN)

# Installs the Debian packages the build and tests need, only when one is
# missing (the script checks first and is idempotent).
deps:
	@sh scripts/install-deps.sh

check: deps
	@sh scripts/check.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@sh bench/run.sh

install: $(BUILD)/podcue
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BUILD)/podcue $(DESTDIR)$(BINDIR)/podcue
	install -d $(DESTDIR)$(DATADIR)/doc/podcue
	install -m 644 config.example $(DESTDIR)$(DATADIR)/doc/podcue/config.example

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/podcue
	rm -rf $(DESTDIR)$(DATADIR)/doc/podcue

clean:
	rm -rf build

-include $(OBJ:.o=.d) $(UNIT_BIN:=.d) $(BENCH_BIN:=.d)
