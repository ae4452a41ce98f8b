#!/bin/sh
# End-to-end in tmux: removing a podcast in the interface first stops its
# downloads queued in the interface's downloader, so that none of them
# finishes later into a file no row names.
. "$(dirname "$0")/../lib.sh"

if ! have_tmux; then
	skip "removing a podcast stops its downloads" "tmux is not installed"
	finish
fi
W="$T/www"
mkdir -p "$W" "$XDG_CONFIG_HOME/podcue"
start_server "$W"
DL="$XDG_DATA_HOME/podcue/downloads"
# 16 s at this rate: the steps below, up to the podcast's removal, run while
# it downloads, however slow the machine (at 4 s they could outlast it).
head -c 1000000 /dev/urandom >"$W/slow.bin"
head -c 20000 /dev/urandom >"$W/q.bin"
rss "Alpha Run" "a|Slow one|Wed, 14 May 2025 10:00:00 GMT|0:03|$BASE/_/norange/slow.bin?rate=62500" >"$W/a.xml"
rss "Bravo Queue" "b|Queued one|Wed, 14 May 2025 10:00:00 GMT|0:03|$BASE/q.bin" >"$W/b.xml"
check "add one feed" pc add "$BASE/a.xml"
check "add another" pc add "$BASE/b.xml"
id_of() { sq "SELECT id FROM episode WHERE guid = '$1'"; }
A=$(id_of a) B=$(id_of b)
echo "set download_jobs 1" >"$XDG_CONFIG_HOME/podcue/config"
# Something of the user's in the podcast's folder: the folder stays.
mkdir -p "$DL/Bravo Queue"
echo mine >"$DL/Bravo Queue/cover.txt"

tui_start 150 30
tui_wait "Bravo Queue" 15
tui_keys g l
tui_wait "Slow one" 10
tui_keys g D
tui_check "one download runs (one at a time)" "downloading episode $A"
tui_keys h G l
tui_wait "Queued one" 10
tui_keys g D
tui_check "the other podcast's episode waits its turn" "downloading episode $B"
check "...queued" test "$(sq "SELECT state FROM download WHERE episode_id = $B")" = queued
tui_keys h G d
tui_wait "Remove \"Bravo Queue\"" 10
tui_keys y
tui_check "d y removes the podcast with a queued download" "unsubscribed" 20
tui_wait "episode $A downloaded" 40
# Before, the queued job started once the slow one was done.
QF="$DL/Bravo Queue/2025-05-14 Queued one.bin"
poll_start 5
while [ ! -e "$QF" ]; do poll_more || break; done
check "...its download never runs: no file is left behind" \
	sh -c "test ! -e '$QF' && test ! -e '$QF.part' && test -e '$DL/Bravo Queue/cover.txt'"
tui_stop
finish
