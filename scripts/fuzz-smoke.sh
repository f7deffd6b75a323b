#!/usr/bin/env bash
# A CI-sized smoke run of every fuzz target (default 60 s in total, ~10 s each).
# Needs cargo-fuzz and a nightly toolchain (`rustup toolchain install nightly`,
# `cargo install cargo-fuzz`); not part of `cargo test` for that reason.
# The checked-in seeds (fuzz/corpus/<target>/) are read, never written: new
# inputs go to a temp dir. Crashes are saved under fuzz/artifacts/<target>/.
#   scripts/fuzz-smoke.sh [TOTAL_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
total=${1:-60}
targets=$(cargo +nightly fuzz list)
n=$(echo "$targets" | wc -w)
each=$(( total / n )); [ "$each" -ge 5 ] || each=5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo +nightly fuzz build -s none >/dev/null 2>&1 || cargo +nightly fuzz build -s none
status=0
for t in $targets; do
  mkdir -p "$work/$t" "corpus/$t"
  echo "== $t (${each}s)"
  if ! cargo +nightly fuzz run -s none "$t" "$work/$t" "corpus/$t" -- \
      -max_total_time="$each" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
      >"$work/$t.log" 2>&1; then
    status=1
    tail -n 30 "$work/$t.log"
  else
    grep -E '^(#[0-9]+ *DONE|Done )' "$work/$t.log" | tail -n 1 || tail -n 1 "$work/$t.log"
  fi
done
exit $status
