#!/usr/bin/env bash
# A short fuzzing run for ctest: fuzzes TARGET for SECONDS starting from the
# committed seed corpus, with new inputs going to WORK_DIR/corpus (never into
# the source tree) and any crash to WORK_DIR/artifacts. Fails on any crash,
# sanitizer report, leak or broken invariant (libFuzzer exits non-zero).
#
#   run_fuzz.sh TARGET SEED_CORPUS WORK_DIR SECONDS
set -euo pipefail
target="$1" seeds="$2" work="$3" seconds="$4"
mkdir -p "$work/corpus" "$work/artifacts"
# A smaller quarantine and shorter allocation stacks: RocksDB allocates a lot.
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=8:malloc_context_size=4}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$(dirname "$0")/lsan.supp}"
exec "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds"
