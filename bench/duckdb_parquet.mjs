// duckdb_parquet.mjs: the DuckDB side of bench/run.sh (one thread, in process).
//
//   node duckdb_parquet.mjs write --src U.parquet --out X.parquet --codec snappy|gzip [--runs R]
//       Loads U.parquet into an in-memory table (untimed), then times
//       COPY t TO X.parquet (FORMAT parquet, COMPRESSION codec): a warm-up, then R runs.
//   node duckdb_parquet.mjs read --file F.parquet [--runs R] [--query sum|minmax|hash|column:NAME]
//       Times one query that must decode every column of F (column:NAME: only
//       that column, aggregated as in "sum"): a warm-up, then R runs.
//   node duckdb_parquet.mjs csv2parquet --dir D [--codec gzip] [--threads N]
//       For bench/export_bench.sh: converts every D/*.csv (with a header) to
//       D/*.parquet with COPY (SELECT * FROM read_csv(f)) TO ... (FORMAT parquet,
//       COMPRESSION codec), once, untimed here (the caller times dump + conversion).
//   node duckdb_parquet.mjs count --glob G [--threads N]
//       SELECT count(*) FROM read_parquet(G), to check another writer's files.
//
// --threads defaults to 1 (the write and read modes are single-threaded comparisons).
// Prints one JSON object on stdout. DuckDB comes from the Parquet oracles'
// node_modules ($PARQUET_ORACLES_DIR, default ~/.cache/parquet-oracles), which
// `oracle install` fills; the import is resolved there, so this file can stay in bench/.
import { createRequire } from 'node:module';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const oraclesDir = process.env.PARQUET_ORACLES_DIR || join(homedir(), '.cache', 'parquet-oracles');
const require = createRequire(join(oraclesDir, 'node_modules', 'noop.js'));
let duckdbPath;
try {
  duckdbPath = require.resolve('@duckdb/node-api');
} catch {
  console.error(`duckdb_parquet: @duckdb/node-api not found under ${oraclesDir}; run the oracle's 'install'`);
  process.exit(1);
}
const { DuckDBInstance } = await import(pathToFileURL(duckdbPath).href);

const [mode, ...rest] = process.argv.slice(2);
const args = {};
for (let i = 0; i < rest.length; i += 2) args[rest[i].replace(/^--/, '')] = rest[i + 1];
const runs = Number(args.runs ?? 3);
const quote = (path) => `'${path.replaceAll("'", "''")}'`;

// Queries that touch every value of every column of the mixed table. "sum"
// mirrors parquet_bench's checksum (values summed, string byte lengths via
// strlen, which is O(1) on DuckDB's strings; max() for timestamps and dates,
// the cheapest aggregate DuckDB has for them). Inside this query DuckDB has to
// scan every column; a lone max(created), though, is answered from the
// footer's statistics without decoding anything, so column:NAME (one column
// only, for per-column comparisons) sums epoch_us()/day numbers instead, which
// costs DuckDB a little extra per value. "minmax" and "hash" cost more per
// value and are there for reference.
const sumOf = {
  id: 'sum(id)', quantity: 'sum(quantity)', price: 'sum(price)', amount: 'sum(amount)', name: 'sum(strlen(name))',
  category: 'sum(strlen(category))', created: 'max(created)', updated: 'max(updated)', day: 'max(day)',
  ratio: 'sum(ratio)', active: 'sum(active::INT)',
};
const aloneOf = {
  ...sumOf, created: 'sum(epoch_us(created))', updated: 'sum(epoch_us(updated))', day: "sum(day - DATE '1970-01-01')",
};
const queries = {
  sum: (f) => `SELECT count(*), ${Object.values(sumOf).join(', ')} FROM read_parquet(${quote(f)})`,
  minmax: (f) => `SELECT count(*), ${['id', 'quantity', 'price', 'amount', 'name', 'category', 'created',
                  'updated', 'day', 'ratio', 'active'].map((c) => `min(${c}), max(${c})`).join(', ')}
                  FROM read_parquet(${quote(f)})`,
  hash: (f) => `SELECT count(*), sum(hash(id, quantity, price, amount, name, category, created, updated,
                day, ratio, active)) FROM read_parquet(${quote(f)})`,
};

// Wall-clock and CPU (user + system, whole process) seconds per run; CPU time
// is the steadier figure on a machine shared with other work.
async function timed(con, sql, before = () => {}) {
  const wall = [], cpu = [];
  for (let run = 0; run <= runs; ++run) {  // run 0 is the warm-up
    before();
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    await con.run(sql);
    const used = process.cpuUsage(cpuStart);
    if (run > 0) {
      wall.push((performance.now() - start) / 1000);
      cpu.push((used.user + used.system) / 1e6);
    }
  }
  return { times_s: wall, cpu_s: cpu };
}

const threadCount = String(Number(args.threads ?? 1));
const instance = await DuckDBInstance.create(':memory:', {
  threads: threadCount,
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
});
const con = await instance.connect();
await con.run(`SET threads = ${threadCount}`);
const [version, threads] = (await con.runAndReadAll("SELECT version(), current_setting('threads')")).getRows()[0];

try {
  if (mode === 'write') {
    const { src, out, codec } = args;
    const loadStart = performance.now();
    await con.run(`CREATE TABLE t AS SELECT * FROM read_parquet(${quote(src)})`);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const times = await timed(con, `COPY t TO ${quote(out)} (FORMAT parquet, COMPRESSION ${codec})`, () => {
      if (existsSync(out)) rmSync(out);  // replacing a big file costs; keep it out of the timing
    });
    const groups = (await con.runAndReadAll(
      `SELECT row_group_id, any_value(row_group_num_rows)::BIGINT, sum(total_compressed_size)::BIGINT
       FROM parquet_metadata(${quote(out)}) GROUP BY row_group_id ORDER BY row_group_id`)).getRows();
    console.log(JSON.stringify({
      mode: 'write', engine: 'duckdb', version, codec, load_s: loadSeconds,
      file_bytes: statSync(out).size, row_groups: groups.length,
      first_group_rows: Number(groups[0]?.[1] ?? 0), first_group_bytes: Number(groups[0]?.[2] ?? 0),
      threads: Number(threads), ...times,
    }));
  } else if (mode === 'read') {
    const query = args.query ?? 'sum';
    const column = query.startsWith('column:') ? query.slice(7) : null;
    if (column ? !aloneOf[column] : !queries[query]) {
      throw new Error(`unknown --query ${query}; use ${Object.keys(queries).join('|')}|column:NAME`);
    }
    const sql = column ? `SELECT count(*), ${aloneOf[column]} FROM read_parquet(${quote(args.file)})` : queries[query](args.file);
    const times = await timed(con, sql);
    const rows = Number((await con.runAndReadAll(`SELECT count(*) FROM read_parquet(${quote(args.file)})`)).getRows()[0][0]);
    console.log(JSON.stringify({ mode: 'read', engine: 'duckdb', version, query, file: args.file, rows, threads: Number(threads), ...times }));
  } else if (mode === 'csv2parquet') {
    const codec = args.codec ?? 'gzip';
    const files = [];
    const start = performance.now();
    for (const name of readdirSync(args.dir).filter((f) => f.endsWith('.csv')).sort()) {
      const csv = join(args.dir, name);
      const out = csv.replace(/\.csv$/, '.parquet');
      const fileStart = performance.now();
      const copied = await con.runAndReadAll(
        `COPY (SELECT * FROM read_csv(${quote(csv)})) TO ${quote(out)} (FORMAT parquet, COMPRESSION ${codec})`);
      files.push({ csv: name, rows: Number(copied.getRows()[0]?.[0] ?? 0), parquet_bytes: statSync(out).size,
                   seconds: (performance.now() - fileStart) / 1000 });
    }
    console.log(JSON.stringify({ mode: 'csv2parquet', engine: 'duckdb', version, codec, threads: Number(threads),
                                 total_s: (performance.now() - start) / 1000, files }));
  } else if (mode === 'count') {
    const rows = Number((await con.runAndReadAll(`SELECT count(*) FROM read_parquet(${quote(args.glob)})`)).getRows()[0][0]);
    console.log(JSON.stringify({ mode: 'count', engine: 'duckdb', version, glob: args.glob, rows }));
  } else {
    console.error('usage: node duckdb_parquet.mjs write|read|csv2parquet|count ... (see the header of this file)');
    process.exit(2);
  }
} catch (e) {
  console.error('duckdb_parquet: ' + e.message);
  process.exit(1);
}
