#!/bin/sh
# End-to-end: config.example loads without a warning; bad settings warn
# with FILE:LINE and never stop podcue.
. "$(dirname "$0")/../lib.sh"

"$PODCUE" --db "$DB" --config "$ROOT/config.example" podcasts >"$T/out" 2>"$T/err"
check "config.example loads" test $? -eq 0
check "config.example loads without a warning" test ! -s "$T/err"

printf 'set jobs 0\nset nonsense 1\nbogus command\nset jobs 3\n' >"$T/bad.conf"
"$PODCUE" --db "$DB" --config "$T/bad.conf" podcasts >"$T/out" 2>"$T/err"
check "a bad config still runs" test $? -eq 0
check "out-of-range value reported with file and line" grep -q "bad.conf:1: jobs: 0 is out of range" "$T/err"
check "unknown setting reported" grep -q "bad.conf:2: unknown setting 'nonsense'" "$T/err"
check "unknown command reported" grep -q "bad.conf:3: unknown command 'bogus'" "$T/err"
if "$PODCUE" --db "$DB" --config "$T/missing.conf" podcasts 2>"$T/err"; then
	not_ok "an explicit --config that does not exist is an error"
else
	ok "an explicit --config that does not exist is an error"
fi
mkdir -p "$XDG_CONFIG_HOME/podcue"
printf 'set jobs nope\n' >"$XDG_CONFIG_HOME/podcue/config"
"$PODCUE" --db "$DB" podcasts >/dev/null 2>"$T/err"
check "the XDG config file is read by default" grep -q "podcue/config:1: jobs: not a number" "$T/err"
finish
