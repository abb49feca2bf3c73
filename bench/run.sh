#!/usr/bin/env bash
# bench/run.sh: snaplake's Parquet writer and reader against DuckDB, measured in
# the same run on the same machine; prints a markdown table and writes it to
# bench/results/parquet.md. `make bench` runs it after building. See bench/README.md.
#
# Environment:
#   BUILD_DIR    where parquet_bench was built (default: build)
#   BENCH_ROWS   rows in the mixed table (default: 10000000)
#   BENCH_RUNS   timed runs per figure, after one warm-up (default: 3)
#   BENCH_DATA   scratch directory for the Parquet files (default: $BUILD_DIR/bench-data; several GB at 10M rows)
#   BENCH_OUT    the markdown report (default: bench/results/parquet.md)
#   BENCH_KEEP=1 keep the Parquet files afterwards
#   SNAPLAKE_ORACLE, PARQUET_ORACLES_DIR   where DuckDB (@duckdb/node-api) comes from
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
cd "$root"
build=${BUILD_DIR:-build}
rows=${BENCH_ROWS:-10000000}
runs=${BENCH_RUNS:-3}
data=${BENCH_DATA:-$build/bench-data}
out=${BENCH_OUT:-$here/results/parquet.md}
bench=$build/bench/parquet_bench
oracle=${SNAPLAKE_ORACLE:-$root/../shared/tools/parquet-oracles/oracle}

[[ -x $bench ]] || { echo "run.sh: $bench not found; run 'make build' (or set BUILD_DIR)" >&2; exit 1; }
command -v node >/dev/null || { echo "run.sh: node not found; run 'make setup'" >&2; exit 1; }
if [[ -x $oracle ]]; then "$oracle" install; fi
mkdir -p "$data" "$(dirname "$out")"
results=$data/results.jsonl
: >"$results"
[[ ${BENCH_KEEP:-0} == 1 ]] || trap 'rm -f "$data"/*.parquet' EXIT

step() { echo "bench: $*" >&2; }
record() { "$@" | tee -a "$results" >&2; }
# Load average and what else is using the CPU (other agents share this machine), as a JSON string.
machine() {
  local busy
  busy=$(top -bn2 -d1 -w 200 2>/dev/null | awk '/^top -/ {n++} n == 2 && $1 ~ /^[0-9]+$/ && $9 >= 5 {c[$12]++; s[$12] += $9}
    END {for (k in c) {printf "%s%s x%d (%.0f%% CPU)", sep, k, c[k], s[k]; sep = ", "}}')
  echo "\"load average $(cut -d' ' -f1-3 /proc/loadavg); other processes >= 5% CPU: ${busy:-none}\""
}
echo "{\"mode\": \"machine\", \"before\": $(machine)}" >>"$results"

step "generating $rows rows, uncompressed (DuckDB's input)"
"$bench" write --rows "$rows" --codec none --runs 0 --out "$data/input.parquet" >/dev/null

for codec in snappy gzip; do
  step "write $codec: snaplake"
  record "$bench" write --rows "$rows" --codec "$codec" --runs "$runs" --out "$data/snaplake_$codec.parquet"
  step "write $codec: DuckDB"
  record node "$here/duckdb_parquet.mjs" write --src "$data/input.parquet" --out "$data/duckdb_$codec.parquet" \
    --codec "$codec" --runs "$runs"
done
step "write snappy: snaplake without page CRCs (for reference)"
record "$bench" write --rows "$rows" --codec snappy --no-page-crc --runs "$runs" --out "$data/nocrc.parquet"
rm -f "$data/duckdb_"*.parquet "$data/input.parquet"

# Reads are short, so the engines take turns (a warm-up and one timed run
# each, $runs rounds): a change in the machine's load hits both alike.
for codec in snappy gzip; do
  file=$data/snaplake_$codec.parquet
  for ((round = 1; round <= runs; ++round)); do
    step "read $codec, round $round: snaplake, DuckDB (sum), DuckDB (hash)"
    record "$bench" read --file "$file" --runs 1
    for query in sum hash; do
      record node "$here/duckdb_parquet.mjs" read --file "$file" --runs 1 --query "$query"
    done
  done
done

for mib in 128 32; do
  step "peak RSS, streaming write, $mib MiB row groups"
  record "$bench" stream --rows "$rows" --codec snappy --row-group-mib "$mib" --out "$data/stream.parquet"
done

echo "{\"mode\": \"machine\", \"after\": $(machine)}" >>"$results"

python3 - "$results" "$out" "$rows" "$runs" "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" <<'EOF'
import json, statistics, sys
results_path, out_path, rows, runs, nproc, cpu = sys.argv[1:]
recs = [json.loads(line) for line in open(results_path) if line.strip()]
machine = {k: v for r in recs if r["mode"] == "machine" for k, v in r.items()}

def find(mode, engine="snaplake", **kw):
    for r in recs:
        if r["mode"] == mode and r.get("engine", "snaplake") == engine and all(
                str(r.get(k)).lower() == str(v).lower() for k, v in kw.items()):
            return r
    raise SystemExit(f"run.sh: no result for {mode} {engine} {kw}")

# A read's timings, gathered over the rounds.
def reader(engine, codec, **kw):
    rounds = [r for r in recs if r["mode"] == "read" and r.get("engine", "snaplake") == engine
              and r["file"].endswith(f"snaplake_{codec}.parquet") and all(r.get(k) == v for k, v in kw.items())]
    if not rounds:
        raise SystemExit(f"run.sh: no read result for {engine} {codec} {kw}")
    return {key: [t for r in rounds for t in r[key]] for key in ("times_s", "cpu_s")}

mib = lambda n: f"{n / 2**20:.1f} MiB"
groups = lambda r: f"{r['row_groups']} row group{'s' if r['row_groups'] != 1 else ''}"
table = []
def row(case, ours, theirs, ratio, goal, met):
    table.append(f"| {case} | {ours} | {theirs} | {ratio} | {goal} | {met} |")

# One row per timed case and clock: best (min) with the median in brackets.
def timed_rows(case, ours, theirs, goal="≤ 1.0"):
    for key, clock in (("times_s", "wall"), ("cpu_s", "CPU")):
        o, t = ours[key], theirs[key]
        r = min(o) / min(t)
        met = ("yes" if r <= 1.0 else "**no**") if goal != "(info)" else "—"
        show = lambda xs: f"{min(xs):.3f} s ({statistics.median(xs):.3f})"
        row(f"{case} [{clock}]", show(o), show(t), f"{r:.2f}", goal, met)

for codec in ("snappy", "gzip"):
    timed_rows(f"write {codec}", find("write", codec=codec, page_crc=True), find("write", "duckdb", codec=codec))
nocrc = [r for r in recs if r["mode"] == "write" and r.get("page_crc") is False]
for r in nocrc:
    timed_rows(f"write {r['codec'].lower()}, snaplake without page CRCs", r,
               find("write", "duckdb", codec=r["codec"]), "(info)")
for codec in ("snappy", "gzip"):
    o, d = find("write", codec=codec, page_crc=True), find("write", "duckdb", codec=codec)
    row(f"file size {codec}", mib(o["file_bytes"]), mib(d["file_bytes"]), f"{o['file_bytes'] / d['file_bytes']:.2f}",
        "(info)", "—")
for codec in ("snappy", "gzip"):
    timed_rows(f"read {codec} file", reader("snaplake", codec), reader("duckdb", codec, query="sum"))
    timed_rows(f"read {codec} file, DuckDB hashing", reader("snaplake", codec), reader("duckdb", codec, query="hash"),
               "(info)")
for rec in (x for x in recs if x["mode"] == "stream"):
    rg = rec["row_group_bytes"]
    r = rec["peak_rss"] / rg
    row(f"peak RSS, streaming write, {rg >> 20} MiB row groups", mib(rec["peak_rss"]), "—",
        f"{r:.2f} × row group", "≤ 2.0", "yes" if r <= 2.0 else "**no**")

ws, wd = find("write", codec="snappy", page_crc=True), find("write", "duckdb", codec="snappy")
streams = [x for x in recs if x["mode"] == "stream"]
lines = [
    "# Parquet benchmark: snaplake vs DuckDB", "",
    f"Mixed table (format/sample_data.h: ints, decimals, short strings, timestamps, ~10 % NULLs), {int(rows):,} rows, "
    f"one thread on both sides. Each time is the best of {runs} runs after a warm-up, the median in brackets "
    f"(reads: {runs} rounds in which the engines take turns, each with its own warm-up); "
    "ratio = snaplake's best ÷ DuckDB's best. [wall] is elapsed time, [CPU] is user + system time of the process "
    "(steadier when other work shares the machine).", "",
    "| case | snaplake | DuckDB | ratio | goal | met? |", "|---|---|---|---|---|---|", *table, "",
    "Setup:", "",
    f"- DuckDB {wd['version']} via @duckdb/node-api with `SET threads=1` (current_setting('threads') = {wd['threads']}). "
    "It writes from an in-memory table (`CREATE TABLE t AS SELECT * FROM read_parquet(<snaplake's uncompressed file>)`, "
    "untimed) with `COPY t TO ... (FORMAT parquet, COMPRESSION snappy|gzip)`; snaplake writes from 64K-row "
    "ColumnBatches generated beforehand (ParquetWriter Open + Write + Finish, default options: dictionary, "
    "page CRCs, statistics). Neither side fsyncs; the previous output is deleted before each run, untimed. "
    "GZIP is level 6 on both sides (DuckDB: miniz; snaplake: libdeflate).",
    f"- Row groups: DuckDB's default ROW_GROUP_SIZE is 122,880 rows (here {groups(wd)}, the first "
    f"{wd['first_group_rows']:,} rows, {mib(wd['first_group_bytes'])} compressed); snaplake's default is "
    f"{ws['row_group_bytes'] >> 20} MiB compressed (here {groups(ws)}, the first {ws['first_group_rows']:,} rows, "
    f"{mib(ws['first_group_bytes'])}).",
    "- Reads: both engines read snaplake's files and decode every column. snaplake: ParquetReader, all columns, "
    "64K-row batches, every value summed into a checksum (string lengths for strings). DuckDB: `SELECT count(*), "
    "sum(id), sum(quantity), sum(price), sum(amount), sum(strlen(name)), sum(strlen(category)), max(created), "
    "max(updated), max(day), sum(ratio), sum(active::INT) FROM read_parquet(...)`, the same work (with other "
    "aggregates beside them the max() columns are decoded too; a lone max() is answered from the footer's "
    "statistics, so per-column checks need sums). The "
    "`sum(hash(<all 11 columns>))` rows are for reference only: hashing adds DuckDB time per value.",
    "- Peak RSS: `parquet_bench stream` in its own process, snappy, batches generated one at a time (never the whole "
    "table); VmHWM of the whole process (binary, one 64K-row batch, the writer)"
    + "".join(f"; at {s['row_group_bytes'] >> 20} MiB: RSS before writing {mib(s['rss_before_write'])}, "
              f"{groups(s)}" for s in streams) + ".", "",
    "Machine:", "",
    f"- nproc {nproc}; CPU: {cpu}",
    f"- before the run: {machine.get('before', '?')}",
    f"- after the run: {machine.get('after', '?')}", ""]
text = "\n".join(lines)
open(out_path, "w").write(text)
print(text)
EOF
echo "bench: report written to $out" >&2
