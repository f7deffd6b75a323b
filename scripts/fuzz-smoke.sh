#!/usr/bin/env bash
# A CI-sized smoke run of every fuzz target (default 60 s in total).
# Needs cargo-fuzz and a nightly toolchain (`cargo install cargo-fuzz`); not part of
# `cargo test` for that reason. Crashes are saved under fuzz/artifacts/<target>/.
#   scripts/fuzz-smoke.sh [TOTAL_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
total=${1:-60}
targets=$(cargo +nightly fuzz list)
n=$(echo "$targets" | wc -w)
each=$(( total / n )); [ "$each" -ge 5 ] || each=5
for t in $targets; do
  mkdir -p "corpus/$t"
  echo "== $t (${each}s)"
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$each" -rss_limit_mb=1024 -timeout=5 2>&1 | tail -1
done
