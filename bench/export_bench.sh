#!/usr/bin/env bash
# bench/export_bench.sh: `snaplake export start` against the usual ways of getting
# the same PostgreSQL data out (binary COPY, pg_dump -Fd, CSV + DuckDB), measured
# in ONE run on the same machine with a throwaway PostgreSQL 15; prints a markdown
# table of ratios and writes it to bench/results/export.md. See bench/README.md.
#
# Environment:
#   BUILD_DIR        where snaplake was built (default: build); SNAPLAKE overrides the binary
#   BENCH_SCALE      pgbench scale of the main database (default: 50); the wide table has 2M rows at 50, scaled
#   BENCH_SCALE_BIG  scale of the second load, for peak RSS only (default: 200; 0 skips it)
#   BENCH_RUNS       timed runs per figure, after one warm-up (default: 3)
#   BENCH_CHUNK      --chunk-size of the --parallel 2 vs 1 case (default: 64MiB)
#   BENCH_DATA       parent of the scratch directory (default: ${TMPDIR:-/tmp}; about 3 GB at scale 50, 12 GB at 200;
#                    removed at the end unless BENCH_KEEP=1)
#   BENCH_OUT        the markdown report (default: bench/results/export.md)
#   SNAPLAKE_PG_BIN  PostgreSQL server binaries (default: the newest /usr/lib/postgresql/*/bin)
#   PARQUET_ORACLES_DIR   where DuckDB (@duckdb/node-api) comes from (see bench/duckdb_parquet.mjs)
set -euo pipefail
export LC_ALL=C  # '.' in $EPOCHREALTIME and in printf

# Internal: the CSV + DuckDB baseline as one timed command.
#   export_bench.sh --csv-baseline URI DIR THREADS SCHEMA.TABLE...
if [[ ${1:-} == --csv-baseline ]]; then
  uri=$2 dir=$3 threads=$4
  shift 4
  mkdir -p "$dir"
  for table in "$@"; do
    psql -X -q -v ON_ERROR_STOP=1 "$uri" -c "COPY $table TO STDOUT (FORMAT csv, HEADER)" >"$dir/$table.csv"
  done
  exec node "$(dirname "${BASH_SOURCE[0]}")/duckdb_parquet.mjs" csv2parquet --dir "$dir" --codec gzip --threads "$threads"
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
cd "$root"
build=${BUILD_DIR:-build}
snaplake=$(realpath -m "${SNAPLAKE:-$build/snaplake}")
scale=${BENCH_SCALE:-50}
big=${BENCH_SCALE_BIG:-200}
runs=${BENCH_RUNS:-3}
chunk=${BENCH_CHUNK:-64MiB}
out=${BENCH_OUT:-$here/results/export.md}
cores=$(nproc)
pgbin=${SNAPLAKE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
oracle=${SNAPLAKE_ORACLE:-$root/../shared/tools/parquet-oracles/oracle}

die() { echo "export_bench: $*" >&2; exit 1; }
[[ -x $snaplake ]] || die "$snaplake not found; run 'make build' (or set BUILD_DIR)"
[[ -n $pgbin && -x $pgbin/initdb ]] || die "PostgreSQL server binaries not found; run 'make setup'"
for tool in psql pg_dump pgbench node python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || die "$tool not found; run 'make setup'"
done
if [[ -x $oracle ]]; then "$oracle" install >/dev/null; fi

step() { echo "bench: $*" >&2; }
as_pg() {  # initdb refuses to run as root
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

work=$(mktemp -d "${BENCH_DATA:-${TMPDIR:-/tmp}}/snaplake-export-bench.XXXXXX")
chmod 755 "$work"
mkdir -p "$work/pg" "$work/out" "$(dirname "$out")"
[[ $(id -u) == 0 ]] && chown postgres "$work/pg"
results=$work/results.jsonl
: >"$results"
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then echo "bench: scratch kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
export SNAPLAKE_HOME=$work/home

# Load average and what else is using the CPU (other agents share this machine), as a JSON string.
machine() {
  local busy
  busy=$(top -bn2 -d1 -w 200 2>/dev/null | awk '/^top -/ {n++} n == 2 && $1 ~ /^[0-9]+$/ && $9 >= 5 {c[$12]++; s[$12] += $9}
    END {for (k in c) {printf "%s%s x%d (%.0f%% CPU)", sep, k, c[k], s[k]; sep = ", "}}')
  echo "\"$(date -u +%H:%M:%SZ): load average $(cut -d' ' -f1-3 /proc/loadavg); other processes >= 5% CPU: ${busy:-none}\""
}
echo "{\"mode\": \"machine\", \"before\": $(machine)}" >>"$results"

# --- The server -------------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pg_opts="-c shared_buffers=1GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=8GB"
pg_opts+=" -c maintenance_work_mem=512MB -c checkpoint_timeout=1h"
step "starting PostgreSQL ($("$pgbin/postgres" --version)) on port $port, data in $work/pg"
as_pg "$pgbin/initdb" -D "$work/pg/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
  -o "-k $work/pg -p $port -c listen_addresses=127.0.0.1 $pg_opts" start >/dev/null
server_uri() { echo "postgresql://postgres@127.0.0.1:$port/$1"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# load DB SCALE: pgbench tables at SCALE plus bench_wide (2M rows at scale 50), vacuumed and analyzed;
# writes DB's row counts to $work/counts_DB.tsv (db.schema.table TAB rows).
load() {
  local db=$1 s=$2 uri wide t0=$SECONDS
  uri=$(server_uri "$db")
  wide=$((2000000 * s / 50))
  step "loading $db: pgbench -i -s $s and bench_wide ($wide rows)"
  sql "$(server_uri postgres)" -c "CREATE DATABASE $db"
  pgbench -i -s "$s" -q "$uri" >>"$work/pgbench.log" 2>&1 || { tail "$work/pgbench.log" >&2; die "pgbench -i failed"; }
  # ~15 mixed columns, some NULLs, text of varied length; random() after setseed() makes the data repeatable.
  sql "$uri" >/dev/null <<SQL
CREATE TABLE bench_wide (
  id bigint PRIMARY KEY,
  customer_id integer NOT NULL,
  quantity smallint,
  amount numeric(12,2),
  ratio double precision,
  status varchar(16) NOT NULL,
  name varchar(64),
  note text,
  created timestamp NOT NULL,
  updated timestamptz,
  day date,
  active boolean,
  uid uuid,
  attrs jsonb,
  tags text[]
);
SELECT setseed(0.42);
INSERT INTO bench_wide
SELECT i,
  (random() * 1e6)::int,
  CASE WHEN random() < 0.05 THEN NULL ELSE (random() * 1000)::smallint END,
  CASE WHEN random() < 0.1 THEN NULL ELSE round((random() * 1e6)::numeric, 2) END,
  random(),
  (ARRAY['new', 'paid', 'shipped', 'returned', 'cancelled'])[1 + (random() * 4)::int],
  'customer ' || (random() * 50000)::int,
  CASE WHEN random() < 0.15 THEN NULL
       ELSE '#' || (random() * 1e9)::bigint || ' ' || substr(l.lorem, 1 + (random() * 400)::int, (random() * random() * 600)::int) END,
  timestamp '2020-01-01' + random() * interval '1500 days',
  CASE WHEN random() < 0.2 THEN NULL ELSE timestamptz '2020-01-01 00:00+00' + random() * interval '1500 days' END,
  date '2020-01-01' + (random() * 1500)::int,
  CASE WHEN random() < 0.1 THEN NULL ELSE random() < 0.5 END,
  md5(i::text)::uuid,
  CASE WHEN random() < 0.2 THEN NULL
       ELSE jsonb_build_object('sku', (random() * 1e5)::int, 'gift', random() < 0.1,
                               'channel', (ARRAY['web', 'store', 'app'])[1 + (random() * 2)::int]) END,
  CASE WHEN random() < 0.1 THEN NULL ELSE (ARRAY['red', 'green', 'blue', 'sale', 'new', 'bulk'])[1:(random() * 4)::int] END
FROM generate_series(1, $wide) AS i,
  (SELECT string_agg(w, ' ') AS lorem FROM (SELECT unnest(string_to_array(
    'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore '
    'magna aliqua ut enim ad minim veniam quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo '
    'consequat duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur '
    'excepteur sint occaecat cupidatat non proident sunt in culpa qui officia deserunt mollit anim id est laborum',
    ' ')) AS w FROM generate_series(1, 3)) AS words) AS l;
VACUUM ANALYZE;
CHECKPOINT;
SQL
  sql "$uri" -F $'\t' -c "
    SELECT current_database() || '.' || n.nspname || '.' || c.relname, quote_ident(n.nspname) || '.' || quote_ident(c.relname)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1" | while IFS=$'\t' read -r name quoted; do
    printf '%s\t%s\t%s\n' "$name" "$(sql "$uri" -c "SELECT count(*) FROM $quoted")" "$quoted"
  done >"$work/counts_$db.tsv"
  local bytes
  bytes=$(sql "$uri" -c "SELECT pg_database_size(current_database())")
  echo "{\"mode\": \"load\", \"db\": \"$db\", \"scale\": $s, \"wide_rows\": $wide, \"seconds\": $((SECONDS - t0)), \"db_bytes\": $bytes," \
    "\"accounts_bytes\": $(sql "$uri" -c "SELECT pg_table_size('pgbench_accounts')")," \
    "\"wide_bytes\": $(sql "$uri" -c "SELECT pg_table_size('bench_wide')")}" >>"$results"
  step "loaded $db in $((SECONDS - t0))s: $(awk -F'\t' '{printf "%s%s=%s", sep, $1, $2; sep=", "}' "$work/counts_$db.tsv")"
}

# --- Measuring --------------------------------------------------------------
# CPU seconds the server's finished backends used so far: the postmaster's
# utime + stime of its reaped children (fields 16 and 17 of /proc/PID/stat).
server_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($16 + $17) / hz}' "/proc/$(head -n 1 "$work/pg/data/postmaster.pid")/stat"
}

# sample KEY ROUND CMD...: one run of CMD under /usr/bin/time -v, stdout to $work/last.out;
# ROUND 0 is the warm-up (not recorded). Wall clock from bash, CPU and peak RSS from time(1),
# the server's CPU from its backends (all of them end with the command's connections).
sample() {
  local key=$1 round=$2 t0 t1 s0 s1
  shift 2
  s0=$(server_cpu)
  t0=$EPOCHREALTIME
  if ! /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/last.out" 2>"$work/last.err"; then
    tail -n 20 "$work/last.err" >&2
    die "$key (round $round) failed: $*"
  fi
  t1=$EPOCHREALTIME
  sleep 0.3  # the postmaster reaps the exited backends
  s1=$(server_cpu)
  if ((round > 0)); then
    awk -v key="$key" -v round="$round" -v t0="$t0" -v t1="$t1" -v server="$(python3 -c "print($s1 - $s0)")" -F': ' '
      /User time/ {u = $2} /System time/ {s = $2} /Maximum resident set size/ {m = $2}
      END {printf "{\"mode\": \"time\", \"key\": \"%s\", \"round\": %d, \"wall_s\": %.3f, \"cpu_s\": %.2f, \"server_cpu_s\": %.2f, \"rss_kib\": %d}\n",
             key, round, t1 - t0, u + s, server, m}' "$work/time.txt" >>"$results"
  fi
}

# check_export KEY ROUND DB ID: the task ended COMPLETE and every table's exported row count equals
# PostgreSQL's (for --only, the one table); records part files and bytes. Then removes the export.
check_export() {
  local key=$1 round=$2 db=$3 id=$4
  python3 - "$work/last.out" "$work/out/$id" "$work/counts_$db.tsv" "$key" "$round" >>"$results" <<'PY'
import glob, json, os, sys
described, folder, counts_path, key, rnd = sys.argv[1:]
task = json.load(open(described))  # `export start --wait` prints the task as `export describe` does
if task.get("Status") != "COMPLETE":
    sys.exit(f"export_bench: {key}: export ended {task.get('Status')}: {task.get('FailureCause', '')}")
expected = {name: int(n) for name, n, _ in (l.rstrip("\n").split("\t") for l in open(counts_path))}
infos = glob.glob(os.path.join(folder, "export_tables_info_*.json"))
if not infos:
    sys.exit(f"export_bench: {key}: no export_tables_info file in {folder}")
tables = {t["target"]: t for f in infos for t in json.load(open(f))["perTableStatus"]}
for name, t in tables.items():
    if t.get("status") != "COMPLETE":
        sys.exit(f"export_bench: {key}: table {name} ended {t.get('status')}: {t.get('warningMessage', '')}")
    if t["snaplake"]["rows"] != expected.get(name):
        sys.exit(f"export_bench: {key}: {name}: {t['snaplake']['rows']} rows exported, PostgreSQL has {expected.get(name)}")
if key.startswith("whole") and set(tables) != set(expected):
    sys.exit(f"export_bench: {key}: exported tables {sorted(tables)} but the database has {sorted(expected)}")
if sum(t["snaplake"]["rows"] for t in tables.values()) != task.get("ExportedRows"):
    sys.exit(f"export_bench: {key}: ExportedRows {task.get('ExportedRows')} is not the sum over the tables")
parts = [p for p in glob.glob(os.path.join(folder, "**", "*.parquet"), recursive=True)]
print(json.dumps({"mode": "export", "key": key, "round": int(rnd), "tables": len(tables),
                  "rows": task["ExportedRows"], "parts": len(parts), "bytes": sum(os.path.getsize(p) for p in parts)}))
PY
  rm -rf "${work:?}/out/$id"
}

n_export=0
# snaplake_run KEY ROUND DB SNAPLAKE-OPTIONS...: one export (timed), checked, then removed (untimed).
snaplake_run() {
  local key=$1 round=$2 db=$3 id
  shift 3
  n_export=$((n_export + 1))
  id=bench-$n_export
  sample "$key" "$round" "$snaplake" export start --id "$id" --source "$(server_uri "$db")" --target "$work/out" --wait "$@"
  check_export "$key" "$round" "$db" "$id"
}

# Commands, as the report quotes them (DB stands for the database URI).
declare -A command_of
declare -a keys=()
# define KEY KIND COMMAND-TEXT: KIND is snaplake (options after `export start ... --wait`) or a baseline.
define() { keys+=("$1"); command_of[$1]=$3; }
define acc.gzip.p1 snaplake "--only DB.public.pgbench_accounts --compression gzip --parallel 1"
define acc.snappy.p1 snaplake "--only DB.public.pgbench_accounts --compression snappy --parallel 1"
define acc.none.p1 snaplake "--only DB.public.pgbench_accounts --compression none --parallel 1"
define acc.gzip.p2 snaplake "--only DB.public.pgbench_accounts --compression gzip --parallel 2"
define acc.snappy.p2 snaplake "--only DB.public.pgbench_accounts --compression snappy --parallel 2"
define acc.copy baseline "psql DB -c \"COPY pgbench_accounts TO STDOUT (FORMAT binary)\" > /dev/null"
define chunk.p1 snaplake "--only DB.public.pgbench_accounts --compression gzip --parallel 1 --chunk-size $chunk"
define chunk.p2 snaplake "--only DB.public.pgbench_accounts --compression gzip --parallel 2 --chunk-size $chunk"
define whole.gzip snaplake "--compression gzip   (all tables; --parallel defaults to one per core: $cores)"
define whole.none snaplake "--compression none   (all tables)"
define whole.pgdump baseline "pg_dump -Fd -j2 -f DIR DB"
((big > 0)) && define whole.big snaplake "--compression gzip   (all tables of the scale-$big database, once)"
define whole.csv baseline "for each table: psql DB -c \"COPY T TO STDOUT (FORMAT csv, HEADER)\" > T.csv; then one node process (bench/duckdb_parquet.mjs csv2parquet, threads=$cores) running for each file: COPY (SELECT * FROM read_csv('T.csv')) TO 'T.parquet' (FORMAT parquet, COMPRESSION gzip)"

accounts_round() {
  local r=$1 db=bench uri
  uri=$(server_uri bench)
  snaplake_run acc.gzip.p1 "$r" $db --only $db.public.pgbench_accounts --compression gzip --parallel 1
  sample acc.copy "$r" bash -c "psql -X -q '$uri' -c 'COPY pgbench_accounts TO STDOUT (FORMAT binary)' >/dev/null"
  snaplake_run acc.snappy.p1 "$r" $db --only $db.public.pgbench_accounts --compression snappy --parallel 1
  snaplake_run acc.none.p1 "$r" $db --only $db.public.pgbench_accounts --compression none --parallel 1
  snaplake_run acc.gzip.p2 "$r" $db --only $db.public.pgbench_accounts --compression gzip --parallel 2
  snaplake_run acc.snappy.p2 "$r" $db --only $db.public.pgbench_accounts --compression snappy --parallel 2
  snaplake_run chunk.p1 "$r" $db --only $db.public.pgbench_accounts --compression gzip --parallel 1 --chunk-size "$chunk"
  snaplake_run chunk.p2 "$r" $db --only $db.public.pgbench_accounts --compression gzip --parallel 2 --chunk-size "$chunk"
}

whole_round() {
  local r=$1 db=bench uri
  uri=$(server_uri bench)
  snaplake_run whole.gzip "$r" $db --compression gzip
  rm -rf "$work/dump"
  sample whole.pgdump "$r" pg_dump -Fd -j2 -f "$work/dump" "$uri"
  if ((r > 0)); then echo "{\"mode\": \"output\", \"key\": \"whole.pgdump\", \"bytes\": $(du -sb "$work/dump" | cut -f1)}" >>"$results"; fi
  rm -rf "$work/dump" "$work/csv"
  mapfile -t tables < <(cut -f3 "$work/counts_$db.tsv")
  sample whole.csv "$r" bash "$here/export_bench.sh" --csv-baseline "$uri" "$work/csv" "$cores" "${tables[@]}"
  # The baseline did the same work: DuckDB converted as many rows as PostgreSQL holds.
  python3 - "$work/last.out" "$work/counts_$db.tsv" "$r" >>"$results" <<'PY'
import json, sys
rec, counts_path, rnd = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3])
expected = {q.replace('"', '') + ".csv": int(n) for _, n, q in (l.rstrip("\n").split("\t") for l in open(counts_path))}
got = {f["csv"]: f["rows"] for f in rec["files"]}
if got != expected:
    sys.exit(f"export_bench: CSV + DuckDB baseline converted {got}, PostgreSQL has {expected}")
if rnd > 0:
    print(json.dumps({"mode": "output", "key": "whole.csv", "bytes": sum(f["parquet_bytes"] for f in rec["files"]),
                      "duckdb_version": rec["version"], "duckdb_threads": rec["threads"], "duckdb_s": rec["total_s"]}))
PY
  rm -rf "$work/csv"
  snaplake_run whole.none "$r" $db --compression none
}

load bench "$scale"
loadavg() { echo "{\"mode\": \"loadavg\", \"load1\": $(cut -d' ' -f1 /proc/loadavg)}" >>"$results"; }
for ((round = 0; round <= runs; ++round)); do
  loadavg
  step "round $round of $runs ($([[ $round == 0 ]] && echo warm-up || echo timed)): pgbench_accounts alone"
  accounts_round "$round"
done
for ((round = 0; round <= runs; ++round)); do
  loadavg
  step "round $round of $runs ($([[ $round == 0 ]] && echo warm-up || echo timed)): whole database"
  whole_round "$round"
done

if ((big > 0)); then
  sql "$(server_uri postgres)" -c "DROP DATABASE bench"  # room (disk and page cache) for the big load
  load bench_big "$big"
  step "whole export of bench_big, for peak RSS (one run)"
  snaplake_run whole.big 1 bench_big --compression gzip
fi
loadavg

echo "{\"mode\": \"machine\", \"after\": $(machine)}" >>"$results"

# --- The report -------------------------------------------------------------
commands=$(for k in "${keys[@]}"; do printf '%s\t%s\n' "$k" "${command_of[$k]}"; done)
python3 - "$results" "$out" "$scale" "$big" "$runs" "$cores" "$chunk" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
  "$("$pgbin/postgres" --version)" "$pg_opts" "$commands" <<'EOF'
import json, statistics, sys, datetime
results_path, out_path, scale, big, runs, cores, chunk, cpu, pg_version, pg_opts, commands = sys.argv[1:]
recs = [json.loads(line) for line in open(results_path) if line.strip()]
machine = {k: v for r in recs if r["mode"] == "machine" for k, v in r.items()}
loads = {r["db"]: r for r in recs if r["mode"] == "load"}

def times(key):
    ts = [r for r in recs if r["mode"] == "time" and r["key"] == key]
    if not ts:
        raise SystemExit(f"export_bench: no timing for {key}")
    return ts
def wall(key): return [r["wall_s"] for r in times(key)]
def exports(key): return [r for r in recs if r["mode"] == "export" and r["key"] == key]
def output(key): return next(r for r in recs if r["mode"] == "output" and r["key"] == key)
mib = lambda kib: f"{kib / 1024:.0f} MiB"
show = lambda xs: f"{min(xs):.2f} s ({statistics.median(xs):.2f})"

table = []
def row(case, ours, theirs, ratio, goal, met):
    table.append(f"| {case} | {ours} | {theirs} | {ratio} | {goal} | {met} |")
def ratio_row(case, ours, theirs, goal=None):
    o, t = wall(ours), wall(theirs)
    r = min(o) / min(t)
    met = "—" if goal is None else ("yes" if r <= goal else "**no**")
    row(case, show(o), show(t), f"{r:.2f}", "(info)" if goal is None else f"≤ {goal}", met)

copy = "`COPY … (FORMAT binary)` > /dev/null"
ratio_row("1. pgbench_accounts, gzip, --parallel 1", "acc.gzip.p1", "acc.copy", 1.3)
ratio_row("1. pgbench_accounts, snappy, --parallel 1", "acc.snappy.p1", "acc.copy", 1.1)
ratio_row("pgbench_accounts, gzip, --parallel 2", "acc.gzip.p2", "acc.copy")
ratio_row("pgbench_accounts, snappy, --parallel 2", "acc.snappy.p2", "acc.copy")
ratio_row("pgbench_accounts, no compression, --parallel 1", "acc.none.p1", "acc.copy")
ratio_row(f"2. whole database, gzip, --parallel {cores} ÷ `pg_dump -Fd -j2`", "whole.gzip", "whole.pgdump", 0.67)
ratio_row("3. whole database, gzip ÷ CSV dump + DuckDB CSV→Parquet (gzip)", "whole.gzip", "whole.csv", 0.5)
ratio_row("whole database, no compression ÷ `pg_dump -Fd -j2`", "whole.none", "whole.pgdump")
for key, label in (("whole.gzip", f"scale {scale}"), ("whole.big", f"scale {big}")):
    if any(r["key"] == key for r in recs if r["mode"] == "time"):
        rss = max(r["rss_kib"] for r in times(key))
        row(f"4. peak RSS, whole export, {label}", mib(rss), "—", "—", "≤ 300 MiB", "yes" if rss <= 300 * 1024 else "**no**")
# What the cores allow: --parallel 2 cannot take less wall time than the CPU
# seconds both sides spend (snaplake + the server's backends) spread over the
# machine's cores, so min ratio = (its CPU + server CPU) / cores / wall at 1.
def cpu_bound(p2_key, p1_key):
    work = min(t["cpu_s"] + t["server_cpu_s"] for t in times(p2_key))
    return work / int(cores) / min(wall(p1_key))
p1, p2 = wall("acc.gzip.p1"), wall("acc.gzip.p2")
r = min(p2) / min(p1)
row(f"5. pgbench_accounts, gzip: --parallel 2 ÷ --parallel 1 (least the {cores} cores allow: "
    f"{cpu_bound('acc.gzip.p2', 'acc.gzip.p1'):.2f})", show(p2), show(p1), f"{r:.2f}", "≤ 0.6",
    "yes" if r <= 0.6 else "**no**")
p1, p2 = wall("chunk.p1"), wall("chunk.p2")
row(f"pgbench_accounts, gzip, --chunk-size {chunk}: --parallel 2 ÷ --parallel 1 (least the cores allow: "
    f"{cpu_bound('chunk.p2', 'chunk.p1'):.2f})", show(p2), show(p1), f"{min(p2) / min(p1):.2f}", "(info)", "—")

details = []
for key in ("acc.gzip.p1", "acc.snappy.p1", "acc.none.p1", "acc.gzip.p2", "acc.snappy.p2", "chunk.p1", "chunk.p2",
            "whole.gzip", "whole.none", "whole.big"):
    ts, ex = [r for r in recs if r["mode"] == "time" and r["key"] == key], exports(key)
    if not ts:
        continue
    details.append(f"| {key} | {show([t['wall_s'] for t in ts])} | {min(t['cpu_s'] for t in ts):.2f} s | "
                   f"{min(t['server_cpu_s'] for t in ts):.2f} s | "
                   f"{mib(max(t['rss_kib'] for t in ts))} | {ex[0]['tables']} | {ex[0]['rows']:,} | {ex[0]['parts']} | "
                   f"{ex[0]['bytes'] / 2**20:.1f} MiB |")
for key in ("whole.pgdump", "whole.csv"):
    ts, o = times(key), output(key)
    details.append(f"| {key} | {show([t['wall_s'] for t in ts])} | (client only) {min(t['cpu_s'] for t in ts):.2f} s | "
                   f"{min(t['server_cpu_s'] for t in ts):.2f} s | "
                   f"(client only) {mib(max(t['rss_kib'] for t in ts))} | | | | {o['bytes'] / 2**20:.1f} MiB |")
csv = output("whole.csv")
duck_s = [r["duckdb_s"] for r in recs if r["mode"] == "output" and r["key"] == "whole.csv"]

cmd_lines = [f"- `{k}`: `" + (c if c.startswith(("psql", "pg_dump", "for each")) else
             f"SNAPLAKE_HOME=… snaplake export start --id ID --source DB --target DIR --wait {c}") + "`"
             for k, c in (l.split("\t", 1) for l in commands.splitlines())]
load_lines = [f"- `{db}`: `pgbench -i -s {l['scale']}` + bench_wide ({l['wide_rows']:,} rows, 15 columns: bigint, int, "
              f"smallint, numeric(12,2), double, 2 varchar, text of 0–600 chars, timestamp, timestamptz, date, boolean, "
              f"uuid, jsonb, text[]; 5–20 % NULLs in most), then VACUUM ANALYZE; database {l['db_bytes'] / 2**20:,.0f} MiB "
              f"(pgbench_accounts {l['accounts_bytes'] / 2**20:,.0f} MiB, bench_wide {l['wide_bytes'] / 2**20:,.0f} MiB), "
              f"loaded in {l['seconds']} s" for db, l in loads.items()]
lines = [
    "# Export benchmark: snaplake vs PostgreSQL's own tools and CSV + DuckDB", "",
    f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, everything in one run on one machine, "
    f"against one throwaway PostgreSQL. Wall-clock seconds: best of {runs} runs after a warm-up, the median in "
    "brackets; ratio = snaplake's best ÷ the baseline's best (below 1.0: snaplake is faster). Every snaplake export "
    "ended COMPLETE with each table's row count equal to PostgreSQL's count(*); the CSV + DuckDB baseline converted "
    "the same row counts. Quote the ratios, not the absolute times (see the machine's load below).", "",
    "| case | snaplake | baseline | ratio | goal | met? |", "|---|---|---|---|---|---|", *table, "",
    "Details of each command (best wall (median), least user+system CPU of the measured process, least CPU of the "
    "server's backends that served it, peak RSS; for the baselines the CPU and RSS are those of the client "
    "processes only):", "",
    "| case | wall | CPU | server CPU | peak RSS | tables | rows | Parquet files | output |",
    "|---|---|---|---|---|---|---|---|---|",
    *details, "",
    "Data:", "", *load_lines, "",
    "Commands (DB = the database's URI; the export directory, dump directory and CSV/Parquet files are deleted "
    "before each run, untimed; the runs of the cases take turns, so a change in the machine's load hits them alike"
    + (f"; the scale-{big} export ran once, for its peak RSS" if int(big) > 0 else "") + "):", "", *cmd_lines, "",
    "Setup:", "",
    f"- {pg_version}, `initdb --no-sync -E UTF8 --locale=C.UTF-8`, started with `{pg_opts}`; "
    "client and server on the same machine over TCP (127.0.0.1).",
    f"- DuckDB {csv['duckdb_version']} via @duckdb/node-api, threads = {csv['duckdb_threads']}; of the CSV baseline's "
    f"timed runs, the DuckDB conversion alone took {', '.join(f'{x:.1f}' for x in duck_s)} s (the rest is the CSV dump).",
    f"- Peak RSS: `/usr/bin/time -v` (maximum resident set size) of `snaplake export start --wait`, which runs the "
    "export in its own process.", "",
    "Machine:", "",
    f"- nproc {cores}; CPU: {cpu}",
    f"- before the run: {machine.get('before', '?')}",
    f"- after the run: {machine.get('after', '?')}", ""]
during = [r["load1"] for r in recs if r["mode"] == "loadavg"]
lines.insert(-1, f"- 1-minute load average at the start of each round: {', '.join(f'{x:.1f}' for x in during)}")
# The load average counts this benchmark's own processes too: only other busy
# processes (seen by `machine` before and after) make the run a loaded one.
others_busy = any("other processes >= 5% CPU: none" not in str(machine.get(k, "")) for k in ("before", "after"))
if during and max(during) > int(cores) and others_busy:
    lines[4:4] = [f"**The machine was loaded during this run** (1-minute load average {min(during):.1f} to "
                  f"{max(during):.1f} on {cores} cores, with other processes busy): absolute times are "
                  "inflated and noisy; the ratios, from runs that took turns, are the figures to quote.", ""]
text = "\n".join(lines)
open(out_path, "w").write(text)
print(text)
EOF
echo "bench: report written to $out" >&2
