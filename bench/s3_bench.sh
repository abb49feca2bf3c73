#!/usr/bin/env bash
# bench/s3_bench.sh: snaplake's S3 client against the AWS CLI on one local
# S3-compatible server (moto), in ONE run on one machine; prints a markdown
# table and writes it to bench/results/s3.md.
#
#   1. upload of a ~1 GiB export (15 Parquet files of ~72 MB in the RDS layout):
#      `snaplake cp -r DIR s3://…` ÷ `aws s3 cp --recursive DIR s3://…` (goal ≤ 1.0), runs alternating;
#   2. peak RSS of a ~1 GiB PostgreSQL export written straight to s3:// against the same export to local disk
#      (goal: within the local bound plus the multipart parts in flight: 3 parts × 8 MiB per open file).
#
# Environment: BUILD_DIR (default build), BENCH_RUNS (default 3), BENCH_FILES (default 15),
# BENCH_ROWS (rows of the PostgreSQL table, default 9000000), BENCH_DATA (scratch parent, default /tmp),
# BENCH_OUT (default bench/results/s3.md), SNAPLAKE_PG_BIN.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
cd "$root"
snaplake=$(realpath -m "${SNAPLAKE:-${BUILD_DIR:-build}/snaplake}")
runs=${BENCH_RUNS:-3}
nfiles=${BENCH_FILES:-15}
rows=${BENCH_ROWS:-9000000}
out=${BENCH_OUT:-$here/results/s3.md}
pgbin=${SNAPLAKE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

die() { echo "s3_bench: $*" >&2; exit 1; }
step() { echo "bench: $*" >&2; }
[[ -x $snaplake ]] || die "$snaplake not found; run 'make build'"
command -v aws >/dev/null || die "the AWS CLI (aws) is needed as the baseline"
python3 -c 'import moto.server' 2>/dev/null || die "moto is needed (python3 -m moto.server)"
[[ -x $pgbin/initdb ]] || die "PostgreSQL server binaries not found; run 'make setup'"
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

work=$(mktemp -d "${BENCH_DATA:-${TMPDIR:-/tmp}}/snaplake-s3-bench.XXXXXX")
chmod 755 "$work"
moto_pid=""
cleanup() {
  [[ -n $moto_pid ]] && kill "$moto_pid" 2>/dev/null || true
  as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

s3_port=$(free_port)
python3 -m moto.server -H 127.0.0.1 -p "$s3_port" >"$work/moto.log" 2>&1 &
moto_pid=$!
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL=http://127.0.0.1:$s3_port AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export SNAPLAKE_HOME=$work/home
for _ in $(seq 100); do aws s3 ls >/dev/null 2>&1 && break; sleep 0.2; done
aws s3 mb s3://bench >/dev/null

# --- 1. upload -----------------------------------------------------------------
step "generating $nfiles Parquet files"
for i in $(seq "$nfiles"); do
  mkdir -p "$work/export/db/public.t$i/1"
  "$snaplake" parquet generate "$work/export/db/public.t$i/1/part-00000.parquet" --rows 1000000 --seed "$i" \
    --compression none >/dev/null
done
echo done >"$work/export/_SUCCESS"
bytes=$(find "$work/export" -type f -printf "%s\n" | awk "{s += \$1} END {print s}")

declare -a snap_times aws_times
timed() {  # timed CMD...: prints wall seconds
  local t0=$EPOCHREALTIME
  "$@" >/dev/null
  printf '%.2f\n' "$(echo "$EPOCHREALTIME - $t0" | bc)"
}
for run in $(seq 0 "$runs"); do
  step "upload run $run of $runs (run 0 warms up)"
  s=$(timed "$snaplake" cp -r "$work/export" "s3://bench/snap$run")
  a=$(timed aws s3 cp --recursive --only-show-errors "$work/export" "s3://bench/aws$run")
  # Same bytes arrived both ways.
  n_snap=$(aws s3 ls --recursive "s3://bench/snap$run/" | awk '{s += $3} END {print s}')
  n_aws=$(aws s3 ls --recursive "s3://bench/aws$run/" | awk '{s += $3} END {print s}')
  [[ $n_snap == "$bytes" && $n_aws == "$bytes" ]] || die "upload sizes differ: local $bytes, snaplake $n_snap, aws $n_aws"
  aws s3 rm --recursive --only-show-errors "s3://bench/snap$run"
  aws s3 rm --recursive --only-show-errors "s3://bench/aws$run"
  if ((run > 0)); then snap_times+=("$s"); aws_times+=("$a"); fi
done
best() { printf '%s\n' "$@" | sort -g | head -1; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
snap_best=$(best "${snap_times[@]}") aws_best=$(best "${aws_times[@]}")
upload_ratio=$(printf '%.2f' "$(echo "scale=4; $snap_best / $aws_best" | bc)")

# --- 2. peak RSS of an export to S3 -------------------------------------------
pg_port=$(free_port)
mkdir -p "$work/pg"
[[ $(id -u) == 0 ]] && chown postgres "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
  -o "-k $work/pg -p $pg_port -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=512MB" start >/dev/null
uri=postgresql://postgres@127.0.0.1:$pg_port/postgres
step "loading $rows rows of incompressible text into PostgreSQL"
psql -X -q -v ON_ERROR_STOP=1 "$uri" -c "CREATE TABLE bulk AS SELECT i::bigint AS id, md5(random()::text) AS a,
  md5(random()::text) || md5(random()::text) AS b, random() AS x FROM generate_series(1, $rows) i" \
  -c "ANALYZE bulk"
rss() { grep 'Maximum resident' "$1" | awk '{print int($NF / 1024)}'; }
step "export to local disk"
/usr/bin/time -v "$snaplake" export start --id local --source "$uri" --target "$work/local" --compression none \
  --parallel 2 --wait >/dev/null 2>"$work/time_local"
t_local=$(grep 'Elapsed (wall' "$work/time_local" | awk '{print $NF}')
step "export to s3://bench/exports"
/usr/bin/time -v "$snaplake" export start --id s3 --source "$uri" --target s3://bench/exports --compression none \
  --parallel 2 --wait >/dev/null 2>"$work/time_s3"
t_s3=$(grep 'Elapsed (wall' "$work/time_s3" | awk '{print $NF}')
export_bytes=$(aws s3 ls --recursive s3://bench/exports/s3/ | awk '{s += $3} END {print s}')
rss_local=$(rss "$work/time_local") rss_s3=$(rss "$work/time_s3")
allowance=$((2 * 3 * 8))  # two open files (--parallel 2), three 8 MiB parts each
met=$([[ $rss_s3 -le $((rss_local + allowance)) ]] && echo yes || echo "**no**")
up_met=$([[ $(echo "$upload_ratio <= 1.0" | bc) == 1 ]] && echo yes || echo "**no**")

mkdir -p "$(dirname "$out")"
cat >"$out" <<MD
# S3 benchmark: snaplake's S3 client vs the AWS CLI

Run $(date -u '+%Y-%m-%d %H:%M') UTC on one machine ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end),
against one local moto server ($(python3 -c 'import moto; print(moto.__version__)')), which bounds both clients' speed.
Quote the ratios, measured in the same run with the runs alternating.

| case | snaplake | baseline | ratio | goal | met? |
|---|---|---|---|---|---|
| upload of $((bytes / 1048576)) MiB ($nfiles files), \`snaplake cp -r\` ÷ \`aws s3 cp --recursive\` | ${snap_best} s (median $(median "${snap_times[@]}")) | ${aws_best} s (median $(median "${aws_times[@]}")) | $upload_ratio | ≤ 1.0 | $up_met |
| peak RSS, export of $((export_bytes / 1048576)) MiB to s3:// ÷ to local disk (--parallel 2, no compression) | $rss_s3 MiB | $rss_local MiB | +$((rss_s3 - rss_local)) MiB | ≤ +$allowance MiB (parts in flight) | $met |
| export wall time, s3:// vs local disk | $t_s3 | $t_local | | (info) | — |
MD
cat "$out"
