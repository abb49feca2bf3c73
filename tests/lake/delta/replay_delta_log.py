#!/usr/bin/env python3
"""Independent check of a Delta table: replays its JSON commits exactly as
PROTOCOL.md "Action Reconciliation" says (no checkpoints, no snaplake code)
and, with --rows, reads the active files with DuckDB through the `oracle`
tool (../shared/tools/parquet-oracles/oracle).

Usage: replay_delta_log.py TABLE_DIR... [--version N] [--rows] [--oracle PATH]
Prints one JSON object per table, one per line (several tables: one process
for all, and a table that fails gives {"table": DIR, "error": MESSAGE}):
  {"version": N, "protocol": {...}, "metaData": {...}, "schema": [[name, type, nullable], ...],
   "files": [relative paths, sorted], "numRecords": sum of stats.numRecords or null,
   "rows": [...] (only with --rows; DuckDB's rows, ordered by every column)}
Exits 1 with a message on stderr when the log is not a valid Delta log.
"""
import json
import os
import subprocess
import sys
import urllib.parse


def canonical(path):
    """The spec's path key: percent-decoded, a file: URI as its plain path."""
    p = urllib.parse.unquote(path)
    if p.startswith("file://"):
        return p[7:]
    if p.startswith("file:"):
        return p[5:]
    return p


class ReplayError(Exception):
    pass


def fail(msg):
    raise ReplayError(msg)


def main():
    args = sys.argv[1:]
    tables, i = [], 0
    while i < len(args):
        if args[i] in ("--version", "--oracle"):
            i += 2
        elif args[i].startswith("--"):
            i += 1
        else:
            tables.append(args[i])
            i += 1
    if not tables:
        print("usage: replay_delta_log.py TABLE_DIR... [--version N] [--rows] [--oracle PATH]", file=sys.stderr)
        sys.exit(2)
    if len(tables) == 1:
        try:
            print(json.dumps(replay(tables[0], args)))
        except (ReplayError, OSError, ValueError, KeyError) as e:
            print(f"replay_delta_log: {e}", file=sys.stderr)
            sys.exit(1)
        return
    for table in tables:
        try:
            print(json.dumps(replay(table, args)))
        except (ReplayError, OSError, ValueError, KeyError) as e:
            print(json.dumps({"table": table, "error": str(e)}))


def replay(table, args):
    table = table.rstrip("/")
    version = None
    want_rows = "--rows" in args
    oracle = os.environ.get("SNAPLAKE_ORACLE") or os.path.join(
        os.path.dirname(__file__), "..", "..", "..", "..", "shared", "tools", "parquet-oracles", "oracle")
    if "--version" in args:
        version = int(args[args.index("--version") + 1])
    if "--oracle" in args:
        oracle = args[args.index("--oracle") + 1]

    log = os.path.join(table, "_delta_log")
    commits = sorted(int(n[:20]) for n in os.listdir(log) if len(n) == 25 and n.endswith(".json") and n[:20].isdigit())
    if not commits:
        fail(f"{table}: no commits")
    if commits != list(range(commits[0], commits[-1] + 1)) or commits[0] != 0:
        fail(f"{table}: commits are not contiguous from 0 (this script does not read checkpoints)")
    if version is None:
        version = commits[-1]
    if version > commits[-1]:
        fail(f"{table}: no version {version}")

    protocol = metadata = None
    files = {}
    for v in range(0, version + 1):
        with open(os.path.join(log, "%020d.json" % v), encoding="utf-8") as f:
            for line_no, line in enumerate(f, 1):
                if not line.strip():
                    continue
                action = json.loads(line)
                if not isinstance(action, dict) or len(action) != 1:
                    fail(f"version {v} line {line_no}: not exactly one action")
                (kind, body), = action.items()
                if kind == "protocol":
                    protocol = body
                elif kind == "metaData":
                    metadata = body
                elif kind == "add":
                    if "stats" in body and body["stats"] is not None:
                        json.loads(body["stats"])  # must be valid JSON
                    files[canonical(body["path"])] = body
                elif kind == "remove":
                    files.pop(canonical(body["path"]), None)
    if protocol is None or metadata is None:
        fail(f"{table}: no protocol or metaData up to version {version}")
    # delta-io's log-replay fixtures omit schemaString: no columns then.
    schema = json.loads(metadata["schemaString"]) if "schemaString" in metadata else {"fields": []}
    out = {
        "version": version,
        "protocol": protocol,
        "metaData": metadata,
        "schema": [[f["name"], f["type"], f["nullable"]] for f in schema["fields"]],
        "files": sorted(files),
    }
    records = [json.loads(a["stats"]).get("numRecords") if a.get("stats") else None for a in files.values()]
    out["numRecords"] = None if any(r is None for r in records) else sum(records)
    if want_rows:
        paths = [p if p.startswith("/") else os.path.join(table, p) for p in sorted(files)]
        if not paths:
            out["rows"] = []
        else:
            names = ", ".join('"' + f["name"].replace('"', '""') + '"' for f in schema["fields"])
            file_list = ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
            sql = f"SELECT {names} FROM read_parquet([{file_list}], union_by_name=true) ORDER BY ALL"
            res = subprocess.run([oracle, "sql", sql], capture_output=True, text=True,
                                 env=dict(os.environ, TZ="UTC"))
            if res.returncode != 0:
                fail(f"oracle sql failed: {res.stderr.strip()[:2000]}")
            out["rows"] = json.loads(res.stdout)
    out["table"] = table
    return out


if __name__ == "__main__":
    main()
