#!/usr/bin/env bash
# bench/ingest_bench.sh: the cost of `snaplake ingest` next to the export it
# ingests, and of reading a long Delta log, measured in ONE run on this machine.
#   1. pgbench at BENCH_SCALE (default 50) in a throwaway PostgreSQL; time
#      `snaplake export start --wait`, then `snaplake ingest` of that export
#      (goal: ingest / export <= 0.02; ingest writes one commit per table and
#      links the exported files, it never re-encodes data).
#   2. a table with BENCH_COMMITS (default 1000) overwrite commits; time reading
#      its latest snapshot (`snaplake delta files`) with its checkpoints, and
#      again after deleting them (every commit replayed) (goal: < 0.2 s).
# Prints a markdown table and writes it to bench/results/ingest.md.
#   BUILD_DIR / SNAPLAKE   the binary (default build/snaplake)
#   BENCH_SCALE, BENCH_COMMITS, BENCH_RUNS (timed runs per read figure, default 5)
#   SNAPLAKE_PG_BIN        PostgreSQL server binaries (default: newest /usr/lib/postgresql/*/bin)
#   BENCH_SKIP_PG=1        only part 2
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
snaplake=$(realpath -m "${SNAPLAKE:-$root/${BUILD_DIR:-build}/snaplake}")
scale=${BENCH_SCALE:-50}
commits=${BENCH_COMMITS:-1000}
runs=${BENCH_RUNS:-5}
out=${BENCH_OUT:-$here/results/ingest.md}
pgbin=${SNAPLAKE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
die() { echo "ingest_bench: $*" >&2; exit 1; }
step() { echo "bench: $*" >&2; }
[[ -x $snaplake ]] || die "$snaplake not found; run 'make build' (or set BUILD_DIR)"
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.4f}')" "$1" "$2"; }
# Median wall time of `runs` runs of a command (after one warm-up).
median() {
  "$@" >/dev/null
  local times=()
  for ((i = 0; i < runs; i++)); do
    local t0 t1
    t0=$(now); "$@" >/dev/null; t1=$(now)
    times+=("$(secs "$t0" "$t1")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}

work=$(mktemp -d "${TMPDIR:-/tmp}/snaplake-ingest-bench.XXXXXX")
chmod 755 "$work"
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export SNAPLAKE_HOME=$work/home
rows=()
load=$(cut -d' ' -f1-3 /proc/loadavg)

if [[ ${BENCH_SKIP_PG:-0} != 1 ]]; then
  [[ -n $pgbin && -x $pgbin/initdb ]] || die "PostgreSQL server binaries not found; run 'make setup'"
  mkdir -p "$work/pg"
  [[ $(id -u) == 0 ]] && chown postgres "$work/pg"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  step "starting PostgreSQL on port $port"
  as_pg "$pgbin/initdb" -D "$work/pg/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
    -o "-k $work/pg -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null
  uri="postgresql://postgres@127.0.0.1:$port/bench"
  psql -X -q "postgresql://postgres@127.0.0.1:$port/postgres" -c "CREATE DATABASE bench"
  step "pgbench -i -s $scale"
  pgbench -i -s "$scale" -q "$uri" >"$work/pgbench.log" 2>&1 || die "pgbench -i failed: $(tail -3 "$work/pgbench.log")"
  step "export"
  t0=$(now)
  "$snaplake" export start --id pgb --source "$uri" --target "$work/exports" --wait >/dev/null
  t1=$(now)
  export_s=$(secs "$t0" "$t1")
  step "ingest"
  t0=$(now)
  "$snaplake" ingest --export "$work/exports/pgb" --catalog bench --schema bronze --warehouse "$work/warehouse" >/dev/null
  t1=$(now)
  ingest_s=$(secs "$t0" "$t1")
  t0=$(now)
  "$snaplake" ingest --export "$work/exports/pgb" --catalog bench --schema bronze --warehouse "$work/warehouse" >/dev/null
  t1=$(now)
  again_s=$(secs "$t0" "$t1")
  size=$(du -sh "$work/exports/pgb" | cut -f1)
  r=$(ratio "$ingest_s" "$export_s")
  ok=$(python3 -c "print('✔' if $r <= 0.02 else '✗')")
  rows+=("| pgbench scale $scale ($size): ingest ÷ export (first ingest ${ingest_s} s, overwrite ${again_s} s, export ${export_s} s) | $r | ≤ 0.02 $ok |")
fi

# --- a long log ----------------------------------------------------------------
step "building a table with $commits commits"
exp=$work/small/e1
mkdir -p "$exp/db/s.t/1"
"$snaplake" parquet generate "$exp/db/s.t/1/part-00000-00000000-0000-4000-8000-000000000000-c000.snappy.parquet" \
  --rows 100 >/dev/null
echo '{"perTableStatus": [{"target": "db.s.t", "status": "COMPLETE"}]}' >"$exp/export_tables_info_e1_from_1_to_1.json"
echo '{"status": "COMPLETE"}' >"$exp/export_info_e1.json"
touch "$exp/_SUCCESS"
t0=$(now)
for ((i = 0; i < commits; i++)); do
  "$snaplake" ingest --export "$exp" --catalog bench --schema long --warehouse "$work/warehouse" >/dev/null
done
t1=$(now)
per_commit=$(python3 -c "print(f'{($(secs "$t0" "$t1")) / $commits * 1000:.1f}')")
table=$work/warehouse/bench/long/t
with=$(median "$snaplake" delta files "$table")
cp -r "$table" "$work/nocp"
rm -f "$work/nocp/_delta_log/"*.checkpoint.parquet "$work/nocp/_delta_log/_last_checkpoint"
without=$(median "$snaplake" delta files "$work/nocp")
startup=$(median "$snaplake" --version)
ok=$(python3 -c "print('✔' if $with < 0.2 else '✗')")
rows+=("| latest snapshot of a $commits-commit table, with checkpoints (\`delta files\`, process start ${startup} s included) | ${with} s | < 0.2 s $ok |")
rows+=("| the same, every commit replayed (checkpoints deleted) ÷ with checkpoints | $(ratio "$without" "$with") (${without} s) | reported |")
rows+=("| one overwrite commit through \`snaplake ingest\` (1 table, catalog update included) | ${per_commit} ms | – |")

{
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load average before: $load"
  echo
  echo "| case | figure | goal |"
  echo "|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "$out"
