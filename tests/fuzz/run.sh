#!/usr/bin/env bash
# Runs the Parquet reader fuzzer (built by `make fuzz` into BUILD_DIR) for
# SECONDS seconds, seeded with parquet-testing's data/ and bad_data/ files.
# Exits non-zero when it finds a crash, a sanitizer report, a timeout or an
# out-of-memory; the input is left in BUILD_DIR/fuzz-artifacts/.
#   tests/fuzz/run.sh build-fuzz 600
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR SECONDS}
seconds=${2:?usage: run.sh BUILD_DIR SECONDS}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
fuzzer=$build/tests/fuzz/parquet_reader_fuzz
if [[ ! -x $fuzzer ]]; then
  echo "run.sh: $fuzzer not found; build it with 'make fuzz'" >&2
  exit 2
fi
data=${SNAPLAKE_TESTDATA:-$root/../shared/testdata}/parquet-testing
corpus=$build/fuzz-corpus/parquet_reader
artifacts=$build/fuzz-artifacts
mkdir -p "$corpus" "$artifacts"
if [[ -d $data ]]; then
  # Seeds up to 256 KiB (the -max_len below): bigger inputs slow every run down.
  find "$data/data" "$data/bad_data" -name '*.parquet' -size -257k -print0 |
    while IFS= read -r -d '' f; do
      cp -n "$f" "$corpus/seed-$(echo "${f#"$data"/}" | tr '/' '_')"
    done
else
  echo "*** run.sh: no parquet-testing seeds: $data is missing (set SNAPLAKE_TESTDATA) ***" >&2
fi
# Inputs that once crashed the reader.
cp -n "$here"/regressions/* "$corpus"/ 2>/dev/null || true
# Undefined behaviour must stop the run, like a crash.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
exec "$fuzzer" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=262144 \
  -artifact_prefix="$artifacts/" -print_final_stats=1
