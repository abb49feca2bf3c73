#!/usr/bin/env bash
# The snaplake demo (`make demo`, after setup and build): generate a 1M-row
# Parquet file, look at it with `snaplake parquet schema|inspect|cat`, convert
# it to ZSTD with v2 data pages, and, when the DuckDB oracle is available,
# show that DuckDB reads the converted file to the same count and sums as we do.
#   SNAPLAKE=path/to/snaplake   the binary (default: build/snaplake)
#   DEMO_ROWS=N                 rows to generate (default 1000000)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
snaplake=${SNAPLAKE:-$root/${BUILD_DIR:-build}/snaplake}
rows=${DEMO_ROWS:-1000000}
lake=$root/lake/demo
oracle=${SNAPLAKE_ORACLE:-$root/../shared/tools/parquet-oracles/oracle}

if [[ ! -x $snaplake ]]; then
  echo "demo: $snaplake not found; run 'make build' first" >&2
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

mkdir -p "$lake"
mixed=$lake/mixed.parquet
zstd=$lake/mixed.zstd-v2.parquet

say "Generate $rows rows of the synthetic 'mixed' table (11 columns, ~10% NULLs)"
t0=$SECONDS
run parquet generate "$mixed" --rows "$rows" --seed 42
ls -l "$mixed" | awk '{printf "wrote %s: %.1f MiB in %ds\n", $NF, $5 / 1048576, '"$((SECONDS - t0))"'}'

say "Its schema: Parquet's tree, and the type snaplake reads each column as"
run parquet schema "$mixed"

say "Its footer: row groups, column chunks, encodings, sizes, statistics (first row group, trimmed)"
printf '$ snaplake parquet inspect %s | head -40\n' "$mixed"
"$snaplake" parquet inspect "$mixed" >"$lake/inspect.txt"
head -n 40 "$lake/inspect.txt"
echo "... ($(($(wc -l <"$lake/inspect.txt") - 40)) more lines; full text in $lake/inspect.txt)"

say "The first rows, as JSON lines"
run parquet cat "$mixed" --limit 5

say "Convert it to ZSTD with v2 data pages (read with our reader, written with our writer, streaming)"
t0=$SECONDS
run parquet convert "$mixed" "$zstd" --compression zstd --page-version 2
ls -l "$mixed" "$zstd" | awk '{printf "%-60s %6.1f MiB\n", $NF, $5 / 1048576}'
echo "converted in $((SECONDS - t0))s"

say "Three rows of the converted file, three columns"
run parquet cat "$zstd" --limit 3 --columns id,price,created

say "Count and sums of the converted file: snaplake's reading next to DuckDB's"
ours=$("$snaplake" parquet cat "$zstd" --columns id,quantity,price,name,day | python3 -c '
import json, sys
from decimal import Decimal
rows = ids = quantity = names = 0
price = Decimal(0)
max_day = ""
for line in sys.stdin:
    r = json.loads(line)
    rows += 1
    ids += r["id"]
    if r["quantity"] is not None: quantity += r["quantity"]
    if r["price"] is not None: price += Decimal(r["price"])
    if r["name"] is not None: names += 1
    if r["day"] is not None and r["day"] > max_day: max_day = r["day"]
print(json.dumps({"rows": str(rows), "sum_id": str(ids), "sum_quantity": str(quantity),
                  "sum_price": str(price), "names": str(names), "max_day": max_day}))
')
if [[ -x $oracle ]] && command -v node >/dev/null 2>&1; then
  sql="SELECT count(*) AS rows, sum(id) AS sum_id, sum(quantity) AS sum_quantity, sum(price) AS sum_price,
       count(name) AS names, max(day)::VARCHAR AS max_day FROM read_parquet('$zstd')"
  duck=$(TZ=UTC "$oracle" sql "$sql")
  python3 - "$ours" "$duck" <<'EOF'
import json, sys
from decimal import Decimal
ours = json.loads(sys.argv[1])
duck = json.loads(sys.argv[2])[0]
agree = True
print(f"{'':14}{'snaplake':>26}{'DuckDB':>26}")
for key in ["rows", "sum_id", "sum_quantity", "sum_price", "names", "max_day"]:
    a, b = ours[key], str(duck[key])
    same = a == b if key == "max_day" else Decimal(a) == Decimal(b)
    agree &= same
    print(f"{key:14}{a:>26}{b:>26}  {'same' if same else 'DIFFERENT'}")
print("snaplake and DuckDB agree." if agree else "snaplake and DuckDB DISAGREE!")
sys.exit(0 if agree else 1)
EOF
else
  echo "(the DuckDB oracle is not available -- no node or no $oracle -- so only our side is shown)"
  python3 -c 'import json, sys; [print(f"{k:14}{v:>26}") for k, v in json.loads(sys.argv[1]).items()]' "$ours"
fi

printf '\nDemo done in %ds. Files are in %s\n' "$((SECONDS - started))" "$lake"
