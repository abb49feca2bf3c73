#!/usr/bin/env bash
# bench/mysql_bench.sh: `snaplake export start` from MariaDB against mydumper and a
# plain `mariadb --quick` read of the same table, in ONE run on the same machine
# with a throwaway MariaDB; prints a markdown table and writes it to
# bench/results/mysql.md.
#
# The table is pgbench-shaped: accounts(aid INT PRIMARY KEY, bid INT, abalance INT,
# filler CHAR(84)), BENCH_ROWS rows.
#
# Environment:
#   BUILD_DIR     where snaplake was built (default: build); SNAPLAKE overrides the binary
#   BENCH_ROWS    rows of the table (default: 5000000)
#   BENCH_RUNS    timed runs per figure after one warm-up (default: 3); the median is reported
#   BENCH_PARALLEL  --parallel of snaplake and -t of mydumper (default: 2)
#   BENCH_DATA    parent of the scratch directory (default: ${TMPDIR:-/tmp}); removed unless BENCH_KEEP=1
#   BENCH_OUT     the markdown report (default: bench/results/mysql.md)
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
cd "$root"
build=${BUILD_DIR:-build}
snaplake=$(realpath -m "${SNAPLAKE:-$build/snaplake}")
rows=${BENCH_ROWS:-5000000}
runs=${BENCH_RUNS:-3}
parallel=${BENCH_PARALLEL:-2}
out=${BENCH_OUT:-$here/results/mysql.md}

die() { echo "mysql_bench: $*" >&2; exit 1; }
step() { echo "bench: $*" >&2; }
[[ -x $snaplake ]] || die "$snaplake not found; run 'make build' (or set BUILD_DIR)"
for tool in mariadbd mariadb-install-db mariadb python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || die "$tool not found; run 'make setup' (apt-get install mariadb-server mariadb-client)"
done
have_mydumper=0
command -v mydumper >/dev/null && have_mydumper=1

work=$(mktemp -d "${BENCH_DATA:-${TMPDIR:-/tmp}}/snaplake-mysql-bench.XXXXXX")
pidfile=$work/mariadbd.pid
cleanup() {
  if [[ -f $pidfile ]]; then kill "$(cat "$pidfile")" 2>/dev/null || true; sleep 1; fi
  if [[ ${BENCH_KEEP:-0} != 1 ]]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sock=$work/sock
step "starting MariaDB on port $port"
mariadb-install-db --no-defaults --user=root --datadir="$work/data" --auth-root-authentication-method=normal \
  --skip-test-db >/dev/null 2>&1
setsid mariadbd --no-defaults --user=root --datadir="$work/data" --socket="$sock" --port="$port" \
  --bind-address=127.0.0.1 --innodb-buffer-pool-size=1G --innodb-flush-log-at-trx-commit=0 \
  --log-bin="$work/binlog" --server-id=1 --pid-file="$pidfile" --log-error="$work/mariadbd.log" \
  </dev/null >/dev/null 2>&1 &
for _ in $(seq 1 300); do
  mariadb --no-defaults -S "$sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.2
done
my() { mariadb --no-defaults -S "$sock" -uroot "$@"; }
my -e 'SELECT 1' >/dev/null || die "MariaDB did not start; see $work/mariadbd.log"

step "loading $rows rows into bench.accounts"
load_start=$EPOCHREALTIME
my -e "CREATE DATABASE bench;
  CREATE TABLE bench.accounts (aid INT PRIMARY KEY, bid INT NOT NULL, abalance INT NOT NULL, filler CHAR(84));
  INSERT INTO bench.accounts SELECT seq, 1 + (seq - 1) DIV 100000, 0, '' FROM bench.seq_1_to_$rows;
  ANALYZE TABLE bench.accounts;" >/dev/null
load_seconds=$(python3 -c "print(f'{$EPOCHREALTIME - $load_start:.1f}')")
table_mib=$(my -N -e "SELECT ROUND(DATA_LENGTH / 1048576) FROM information_schema.TABLES
  WHERE TABLE_SCHEMA = 'bench' AND TABLE_NAME = 'accounts'")

# CPU seconds mariadbd has used so far (all its threads: utime + stime).
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$(cat "$pidfile")/stat"; }

# Runs "$@" once as a warm-up, then $runs times; prints the medians of wall
# seconds, the command's CPU seconds and the server's CPU seconds, and the
# largest peak RSS: "wall max_rss_kib cpu server_cpu".
measure() {
  local walls=() cpus=() servers=() rss=0 i t m u s s0 s1
  for ((i = 0; i <= runs; i++)); do
    rm -rf "$work/out"
    mkdir -p "$work/out"
    s0=$(server_cpu)
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
      cat "$work/stderr" >&2
      die "command failed: $*"
    }
    s1=$(server_cpu)
    read -r t m u s <"$work/time"
    if ((i > 0)); then
      walls+=("$t")
      cpus+=("$(python3 -c "print($u + $s)")")
      servers+=("$(python3 -c "print($s1 - $s0)")")
    fi
    if ((m > rss)); then rss=$m; fi
  done
  python3 -c "import statistics as st, sys; n = (len(sys.argv) - 2) // 3; a = list(map(float, sys.argv[2:]))
print(f'{st.median(a[:n]):.2f}', sys.argv[1], f'{st.median(a[n:2*n]):.2f}', f'{st.median(a[2*n:]):.2f}')" \
    "$rss" "${walls[@]}" "${cpus[@]}" "${servers[@]}"
}

export SNAPLAKE_HOME=$work/home
step "snaplake export, gzip, --parallel $parallel"
read -r snap_gzip snap_gzip_rss snap_gzip_cpu snap_gzip_server < <(measure bash -c "\"$snaplake\" export start --id g\$RANDOM\$RANDOM \
  --source mysql://root@127.0.0.1:$port/bench --target $work/out --wait --parallel $parallel --compression gzip")
step "snaplake export, snappy, --parallel $parallel"
read -r snap_snappy snap_snappy_rss snap_snappy_cpu snap_snappy_server < <(measure bash -c "\"$snaplake\" export start --id s\$RANDOM\$RANDOM \
  --source mysql://root@127.0.0.1:$port/bench --target $work/out --wait --parallel $parallel --compression snappy")
step "mariadb --quick SELECT to /dev/null"
read -r quick quick_rss quick_cpu quick_server < <(measure mariadb --no-defaults -h 127.0.0.1 -P "$port" -uroot --quick -N \
  -e 'SELECT * FROM bench.accounts')
if ((have_mydumper)); then
  step "mydumper -t $parallel -c"
  read -r dumper dumper_rss dumper_cpu dumper_server < <(measure mydumper -h 127.0.0.1 -P "$port" -u root -B bench -t "$parallel" -c \
    -o "$work/out/dump")
else
  dumper=""
fi

ratio() { python3 -c "print(f'{float(\"$1\") / float(\"$2\"):.2f}')"; }
mib() { python3 -c "print(f'{int(\"$1\") / 1024:.0f} MiB')"; }
{
  echo "# MySQL/MariaDB export benchmark"
  echo
  echo "One run of bench/mysql_bench.sh on $(date -u +%Y-%m-%d) ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)),"
  echo "MariaDB $(my -N -e 'SELECT VERSION()'), table bench.accounts: $rows rows, $table_mib MiB InnoDB data (loaded in $load_seconds s)."
  echo "Medians of $runs runs after a warm-up: wall seconds, the command's CPU (user + system), the CPU mariadbd"
  echo "spent meanwhile (all its threads, from /proc); peak RSS is the largest of all runs (/usr/bin/time %M)."
  echo
  echo "| command | seconds | CPU | server CPU | peak RSS |"
  echo "|---|---|---|---|---|"
  echo "| snaplake export, gzip, --parallel $parallel | $snap_gzip | $snap_gzip_cpu | $snap_gzip_server | $(mib "$snap_gzip_rss") |"
  echo "| snaplake export, snappy, --parallel $parallel | $snap_snappy | $snap_snappy_cpu | $snap_snappy_server | $(mib "$snap_snappy_rss") |"
  if [[ -n $dumper ]]; then echo "| mydumper -t $parallel -c | $dumper | $dumper_cpu | $dumper_server | $(mib "$dumper_rss") |"; fi
  echo "| mariadb --quick -e 'SELECT * …' > /dev/null | $quick | $quick_cpu | $quick_server | $(mib "$quick_rss") |"
  echo
  echo "| ratio | value | goal |"
  echo "|---|---|---|"
  if [[ -n $dumper ]]; then
    echo "| snaplake gzip ÷ mydumper -t $parallel -c | $(ratio "$snap_gzip" "$dumper") | ≤ 0.67 |"
    # snaplake cannot take less wall time than its CPU and the server's spread over the cores.
    echo "| least snaplake gzip ÷ mydumper the $(nproc) cores allow: (CPU + server CPU) / cores ÷ mydumper | $(python3 -c "print(f'{($snap_gzip_cpu + $snap_gzip_server) / $(nproc) / $dumper:.2f}')") | (bound) |"
  fi
  echo "| snaplake gzip ÷ mariadb --quick to /dev/null | $(ratio "$snap_gzip" "$quick") | reported |"
  echo "| snaplake snappy ÷ mariadb --quick to /dev/null | $(ratio "$snap_snappy" "$quick") | reported |"
  echo "| snaplake peak RSS | $(mib "$snap_gzip_rss") | ≤ 300 MiB |"
} | tee "$out"
