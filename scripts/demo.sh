#!/usr/bin/env bash
# The snaplake demo (`make demo`, after setup and build): start a throwaway
# PostgreSQL, load a generated pharmacy-chain database (scripts/demo_data.sql,
# about 2M rows in several schemas), export it with `snaplake export start` to
# ./lake/exports in the RDS layout, show the task, the files and some rows read
# back, and check row counts and sums against PostgreSQL (and DuckDB, when the
# oracle is installed).
#   SNAPLAKE=path/to/snaplake   the binary (default: build/snaplake)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
snaplake=${SNAPLAKE:-$root/${BUILD_DIR:-build}/snaplake}
lake=$root/lake
oracle=${SNAPLAKE_ORACLE:-$root/../shared/tools/parquet-oracles/oracle}
export SNAPLAKE_HOME=$lake/home

if [[ ! -x $snaplake ]]; then
  echo "demo: $snaplake not found; run 'make build' first" >&2
  exit 1
fi
pgbin=${SNAPLAKE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [[ -z $pgbin || ! -x $pgbin/initdb ]]; then
  echo "demo: PostgreSQL server binaries not found; run 'make setup'" >&2
  exit 1
fi

step=0
started=$SECONDS
say() {
  step=$((step + 1))
  printf '\n\033[1m== %d. %s\033[0m\n' "$step" "$1"
}
run() {
  printf '$ %s\n' "snaplake ${*}"
  "$snaplake" "$@"
}
# initdb refuses to run as root: server programs run as `postgres` then.
as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

say "Start a throwaway PostgreSQL ($("$pgbin/postgres" --version | awk '{print $3}')) on 127.0.0.1"
tmp=$(mktemp -d /tmp/snaplake-demo.XXXXXX)
chmod 755 "$tmp"
[[ $(id -u) == 0 ]] && chown postgres "$tmp"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
stop_server() {
  as_pg "$pgbin/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop_server EXIT
as_pg "$pgbin/initdb" -D "$tmp/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
  -o "-k $tmp -p $port -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
uri="postgresql://postgres@127.0.0.1:$port/pharmacy"
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql "postgresql://postgres@127.0.0.1:$port/postgres" -c "CREATE DATABASE pharmacy"
echo "server on port $port, database pharmacy"

say "Load the sample pharmacy chain (scripts/demo_data.sql)"
t0=$SECONDS
psql "$uri" -f "$root/scripts/demo_data.sql" >/dev/null
psql "$uri" -At -c "ANALYZE"
psql "$uri" -At -c "SELECT 'loaded ' || sum(n_live_tup) || ' rows in ' || count(*) || ' tables' FROM pg_stat_user_tables"
echo "in $((SECONDS - t0))s"

id=demo-$(date +%Y%m%d-%H%M%S)
say "Export the whole database: one consistent snapshot, in parallel, gzip Parquet in the RDS layout"
mkdir -p "$lake/exports"
t0=$SECONDS
run export start --id "$id" --source "$uri" --target "$lake/exports" --wait
echo "exported in $((SECONDS - t0))s"

say "The task, as 'export describe' lists it"
run export describe --output table

say "The files (RDS layout: DB/SCHEMA.TABLE/1/part-*.gz.parquet, JSON summaries, _SUCCESS last)"
(cd "$lake/exports" && find "$id" -maxdepth 3 | sort | head -n 30)

say "A few rows read back: clinical.prescriptions"
part=$(find "$lake/exports/$id/pharmacy/clinical.prescriptions" -name 'part-*.parquet' | sort | head -n 1)
run parquet schema "$part"
run parquet cat "$part" --limit 3

say "Row counts: PostgreSQL next to the export (export_tables_info) and DuckDB reading the files"
info=$(ls "$lake/exports/$id"/export_tables_info_*.json)
pg_counts=$(psql "$uri" -At -F $'\t' -c "
  SELECT n.nspname || '.' || c.relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r','p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog','information_schema')
  ORDER BY 1" | while IFS= read -r name; do
    schema=${name%%.*}; table=${name#*.}
    printf '%s\t%s\n' "$name" "$(psql "$uri" -At -c "SELECT count(*) FROM \"$schema\".\"$table\"")"
  done)
have_duckdb=0
[[ -x $oracle ]] && command -v node >/dev/null 2>&1 && have_duckdb=1
python3 - "$info" "$lake/exports/$id/pharmacy" "$oracle" "$have_duckdb" "$pg_counts" <<'PY'
import json, subprocess, sys, os
info, folder, oracle, have_duckdb, pg = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1", sys.argv[5]
pg_counts = dict(line.split("\t") for line in pg.splitlines() if line)
tables = {t["target"].split(".", 1)[1]: t for t in json.load(open(info))["perTableStatus"]}
ok = True
print(f"{'table':34}{'PostgreSQL':>12}{'exported':>12}{'DuckDB':>12}")
for name in sorted(pg_counts):
    exported = tables.get(name, {}).get("snaplake", {}).get("rows")
    duck = "-"
    if have_duckdb:
        glob = os.path.join(folder, name, "1", "*.parquet")
        out = subprocess.run([oracle, "sql", f"SELECT count(*) AS n FROM read_parquet('{glob}')"],
                             capture_output=True, text=True, env=dict(os.environ, TZ="UTC"))
        duck = json.loads(out.stdout)[0]["n"] if out.returncode == 0 else "error"
    same = str(exported) == pg_counts[name] and (duck == "-" or str(duck) == pg_counts[name])
    ok &= same
    print(f"{name:34}{pg_counts[name]:>12}{str(exported):>12}{str(duck):>12}  {'same' if same else 'DIFFERENT'}")
print("Every table arrived whole." if ok else "MISMATCH!")
sys.exit(0 if ok else 1)
PY

say "Delta Lake: ingest the export into main.bronze under ./lake/warehouse (one overwrite commit per table, reusing the exported files)"
# Tables with a TIME column are left out: Spark has no TIME type and cannot read
# such Parquet columns, so snaplake refuses them rather than write a table Spark
# cannot open (`snaplake ingest` says so, naming the column).
ingest_tables=$(python3 - "$info" <<'PY'
import json, sys
entries = json.load(open(sys.argv[1]))["perTableStatus"]
ok = [t["target"].split(".", 1)[1] for t in entries if t.get("status") == "COMPLETE"
      and not any("TIME_" in c["expectedExportedType"] or "TIME(" in c["expectedExportedType"]
                  for c in t["schemaMetadata"]["originalTypeMappings"])]
print(",".join(sorted(ok)))
PY
)
run ingest --export "$lake/exports/$id" --catalog main --schema bronze --warehouse "$lake/warehouse" --tables "$ingest_tables"

say "The catalog, the history of one table, and a few of its rows read through the Delta log"
run catalog list main.bronze
run delta history main.bronze.prescriptions
run delta cat main.bronze.prescriptions --limit 3
printf '(Run make demo again: every table becomes version 1, an overwrite, as a nightly job would; the old version stays readable with --version 0.)\n'

printf '\nDemo done in %ds. The export is in %s, the Delta tables in %s\n' "$((SECONDS - started))" "$lake/exports/$id" "$lake/warehouse"
