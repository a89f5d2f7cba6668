#!/usr/bin/env bash
# Fuzzes the native recogniser (native/canonical.c) under AddressSanitizer and
# UndefinedBehaviorSanitizer for a bounded time (docs/store.md, "Fuzzing the native recogniser").
#
#   scripts/fuzz-native.sh [--seconds N] [--events FILE.ndjson] [--rng-seed N]
#
# Builds native/fuzz/fuzz-canonical.c with canonical.c (no Node), writes the recogniser's tables
# and seed lines (test/support/native-fuzz-seeds.ts) plus up to 40 real events of each kind from
# FILE (default: a fresh `simulate --employees 50`), replays native/fuzz/corpus/, then runs random
# and mutated lines for N seconds (default 40). Exit 0: no report; 1: a sanitizer report or a broken
# promise, the input saved (path printed; copy it into native/fuzz/corpus/ to keep it); 2: usage or
# build error. Needs a C compiler with the sanitizer runtimes (Debian: gcc's libasan8, libubsan1).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=40
events=""
rng_seed="$(date +%s)"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --rng-seed) rng_seed="$2"; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fuzz-native: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
started=$SECONDS
work="$(mktemp -d)"
cc="${CC:-cc}"
if ! command -v "$cc" >/dev/null; then
  echo "fuzz-native: no C compiler ('$cc'); install gcc" >&2
  exit 2
fi
if ! "$cc" -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1 -Wall -Wextra \
  -o "$work/fuzz-canonical" native/fuzz/fuzz-canonical.c native/canonical.c; then
  echo "fuzz-native: building with -fsanitize=address,undefined failed (Debian: apt-get install gcc libasan8 libubsan1)" >&2
  exit 2
fi

node_modules/.bin/tsx test/support/native-fuzz-seeds.ts "$work/spec.txt" "$work/seeds.txt"
if [ -z "$events" ]; then
  events="$work/events.ndjson"
  node bin/planledger.js simulate --employees 50 --years 2024-2025 --seed 7 --workers 1 \
    --created-at 2026-01-01T00:00:00Z --out "$events" --json >/dev/null
fi
# Up to 40 events of each kind, so that rare kinds are mutated as often as contributions.
awk 'match($0, /"event_type":"[a-z_]*"/) { k = substr($0, RSTART, RLENGTH); if (n[k]++ < 40) print }' \
  "$events" >>"$work/seeds.txt"

corpus=(native/fuzz/corpus/*)
echo "fuzz-native: $(wc -l <"$work/seeds.txt") seed lines (corpora and events of $events), ${#corpus[@]} corpus files; fuzzing ${seconds} s"
status=0
"$work/fuzz-canonical" "$work/spec.txt" "$work/seeds.txt" "$seconds" "$rng_seed" "$work" "${corpus[@]}" || status=$?
if [ "$status" -ne 0 ]; then
  echo "fuzz-native: FAILED (exit $status); the input is kept in $work (replay: $work/fuzz-canonical $work/spec.txt $work/seeds.txt 0 $rng_seed $work FILE)" >&2
  exit 1
fi
rm -rf "$work"
echo "fuzz-native: done in $((SECONDS - started)) s (build, seeds and fuzzing)"
