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

# ---- hostile config lines ------------------------------------------------
# An escape sequence in a bad line is shown harmlessly; a long one is cut.
{
	printf 'bogus\033]0;pwned\007\033[31mred\n'
	printf 'set jobs %s\n' "$(head -c 5000 /dev/zero | tr '\0' 9)"
	printf 'nope%s\n' "$(head -c 5000 /dev/zero | tr '\0' x)"
} >"$T/hostile.conf"
"$PODCUE" --db "$DB" --config "$T/hostile.conf" podcasts >/dev/null 2>"$T/err"
check "a hostile config still runs" test $? -eq 0
check "no escape sequence from the config reaches the terminal" \
	sh -c "! grep -q \"\$(printf '\033')\" '$T/err'"
check "the bad line is still named" grep -q "hostile.conf:1: unknown command 'bogus" "$T/err"
check "long lines are cut in warnings" \
	sh -c "test \"\$(awk '{ if (length(\$0) > m) m = length(\$0) } END { print m }' '$T/err')\" -le 300"
check "each bad line gives one warning" test "$(wc -l <"$T/err")" -eq 3
# A NUL byte is an error on its line, not the silent end of the file.
printf 'set jobs 4\nset\000 jobs 3\nset jobs nope\n' >"$T/nul.conf"
"$PODCUE" --db "$DB" --config "$T/nul.conf" podcasts >/dev/null 2>"$T/err"
check "a NUL byte is reported with its line" grep -q "nul.conf:2: .*NUL byte" "$T/err"
check "the lines after a NUL byte are read" grep -q "nul.conf:3: jobs: not a number" "$T/err"

# ---- writes to stdout are checked ----------------------------------------
for c in "export -" "podcasts --json" "help" "--version"; do
	# shellcheck disable=SC2086
	"$PODCUE" --db "$DB" $c >/dev/full 2>"$T/err"
	rc=$?
	if [ $rc -ne 0 ] && grep -q "cannot write to standard output: No space left" "$T/err"; then
		ok "podcue $c > /dev/full fails with a message"
	else
		not_ok "podcue $c > /dev/full fails with a message" "exit $rc" "$(cat "$T/err")"
	fi
done
finish
