// scripts/demo_data.sql, the `make demo` pharmacy database: it loads with
// psql -v ON_ERROR_STOP=1, has the documented tables, row counts and types,
// keeps its internal invariants, and is deterministic (two loads, one of them
// over leftovers it must drop, are identical row for row).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "testing/pg_server.h"
#include "testing/test_env.h"

namespace snaplake::testing {
namespace {

constexpr char kDbA[] = "demo_data_a";
constexpr char kDbB[] = "demo_data_b";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Loads the script into two fresh databases at once (2 cores, half the wall
// time). Database B first gets a stale `retail` schema that the script must
// drop, so its equality with A also shows that re-running the script works.
Status LoadBoth(PgServer* pg) {
  SL_ASSIGN_OR_RETURN(std::string script, ReadFileToString(StrCat(SNAPLAKE_SOURCE_DIR, "/scripts/demo_data.sql")));
  SL_RETURN_NOT_OK(pg->Psql(StrCat("DROP DATABASE IF EXISTS ", kDbA, "; CREATE DATABASE ", kDbA, ";",
                                   "DROP DATABASE IF EXISTS ", kDbB, "; CREATE DATABASE ", kDbB, ";"))
                       .status());
  SL_RETURN_NOT_OK(
      pg->Psql("CREATE SCHEMA retail; CREATE TABLE retail.stores(stale int); INSERT INTO retail.stores VALUES (1);",
               kDbB)
          .status());
  const auto started = std::chrono::steady_clock::now();
  auto load_a = std::async(std::launch::async, [&] { return pg->Psql(script, kDbA); });
  auto load_b = std::async(std::launch::async, [&] { return pg->Psql(script, kDbB); });
  Result<std::string> a = load_a.get();
  Result<std::string> b = load_b.get();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "demo_data.sql: two concurrent loads took %.1f s\n", seconds);
  if (!a.ok()) return a.status().WithContext("loading demo_data.sql");
  if (!b.ok()) return b.status().WithContext("loading demo_data.sql over a stale schema");
  // ON_ERROR_STOP plus -q: a clean load prints nothing.
  if (!a->empty()) return Status::Internal(StrCat("demo_data.sql printed output: ", *a));
  return Status::OK();
}

class DemoData : public ::testing::Test {
 protected:
  void SetUp() override {
    SL_REQUIRE_SHARED_PG(server);
    static std::once_flag once;
    static Status loaded;
    std::call_once(once, [server] { loaded = LoadBoth(server); });
    ASSERT_TRUE(loaded.ok()) << loaded.ToString();
    pg_ = server;
  }

  std::string Query(const std::string& sql, const char* db = kDbA) {
    Result<std::string> out = pg_->Psql(sql, db);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : std::string();
  }

  PgServer* pg_ = nullptr;
};

TEST_F(DemoData, RowCountsPerTable) {
  const std::map<std::string, long> expected = {
      {"retail.regions", 8},           {"retail.stores", 250},
      {"retail.staff", 5000},          {"inventory.drugs", 2000},
      {"inventory.stock_levels", 50000}, {"clinical.prescribers", 3000},
      {"clinical.patients", 150000},   {"clinical.prescriptions", 600000},
      {"ops.dispensing_events", 1200000}, {"ops.recalls", 0},
      {"ops.monthly_store_revenue", 250 * 13},
  };
  std::string sql;
  for (const auto& [table, rows] : expected) {
    sql.append(StrCat("SELECT '", table, "', count(*) FROM ", table, ";\n"));
  }
  std::map<std::string, long> actual;
  for (const std::string& line : Lines(Query(sql))) {
    size_t bar = line.find('|');
    ASSERT_NE(bar, std::string::npos) << line;
    actual[line.substr(0, bar)] = std::stol(line.substr(bar + 1));
  }
  EXPECT_EQ(actual, expected);

  // Every ordinary table of the four schemas is in the list above (or is a partition).
  EXPECT_EQ(Query("SELECT string_agg(n.nspname || '.' || c.relname, ',' ORDER BY n.nspname, c.relname) FROM pg_class c "
                  "JOIN pg_namespace n ON n.oid = c.relnamespace "
                  "WHERE n.nspname IN ('retail', 'clinical', 'inventory', 'ops') AND c.relkind IN ('r', 'p', 'm', 'v') "
                  "AND NOT c.relispartition"),
            "clinical.active_prescriptions,clinical.patients,clinical.prescribers,clinical.prescriptions,"
            "inventory.drugs,inventory.stock_levels,ops.dispensing_events,ops.monthly_store_revenue,ops.recalls,"
            "retail.regions,retail.staff,retail.stores\n");
}

TEST_F(DemoData, TwoLoadsAreIdentical) {
  // One fingerprint per table (and per partition): the row count and the sum
  // of the hashes of the rows' text forms, so no primary key or row order is
  // needed (sorted md5s would cost 7x more). Not hash_record: it hashes enum
  // values by OID, which differs between databases.
  const std::string tables = Query(
      "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
      "JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname IN ('retail', 'clinical', 'inventory', 'ops') AND c.relkind IN ('r', 'm') ORDER BY 1");
  std::string sql;
  for (const std::string& table : Lines(tables)) {
    sql.append(StrCat("SELECT '", table, "', count(*), coalesce(sum(hashtextextended(t::text, 0)), 0) FROM ", table,
                      " t;\n"));
  }
  ASSERT_EQ(Lines(tables).size(), 23u);  // 9 plain tables, 13 partitions, 1 materialized view
  auto fingerprint_b = std::async(std::launch::async, [&] { return pg_->Psql(sql, kDbB); });
  const std::string a = Query(sql, kDbA);
  Result<std::string> b_result = fingerprint_b.get();
  ASSERT_TRUE(b_result.ok()) << b_result.status().ToString();
  const std::string& b = *b_result;
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);

  // And one table byte for byte, through its text form in key order.
  const std::string patients =
      "SELECT count(*), md5(string_agg(t::text, E'\\n' ORDER BY patient_id)) FROM clinical.patients t";
  const std::string patients_a = Query(patients, kDbA);
  EXPECT_EQ(patients_a.substr(0, 7), "150000|");
  EXPECT_EQ(patients_a, Query(patients, kDbB));

  // The catalog objects are the same too (types, domains, constraints).
  const std::string catalog =
      "SELECT string_agg(conrelid::regclass || ':' || pg_get_constraintdef(oid), E'\\n' ORDER BY conrelid::regclass::text, "
      "pg_get_constraintdef(oid)) FROM pg_constraint "
      "WHERE connamespace::regnamespace::text IN ('retail', 'clinical', 'inventory', 'ops');"
      "SELECT string_agg(typnamespace::regnamespace || '.' || typname || ':' || typtype::text, ',' ORDER BY typname) "
      "FROM pg_type "
      "WHERE typnamespace::regnamespace::text IN ('retail', 'clinical', 'inventory', 'ops') AND typtype IN ('e', 'd');";
  EXPECT_EQ(Query(catalog, kDbA), Query(catalog, kDbB));
}

TEST_F(DemoData, TypesAndStructure) {
  // Enums, domains, a partitioned table with a DEFAULT partition holding rows.
  EXPECT_EQ(Query("SELECT count(*) FROM pg_type WHERE typtype = 'e' AND typnamespace::regnamespace::text IN "
                  "('retail', 'clinical', 'inventory', 'ops');"
                  "SELECT count(*) FROM pg_type WHERE typtype = 'd' AND typnamespace::regnamespace::text IN "
                  "('retail', 'clinical', 'inventory', 'ops');"
                  "SELECT count(*) FROM pg_inherits WHERE inhparent = 'ops.dispensing_events'::regclass;"
                  "SELECT count(*) > 0 FROM ops.dispensing_events_later;"
                  "SELECT count(*) FROM ops.dispensing_events_2024_02;"),
            "3\n3\n13\nt\n94552\n");
  // Column types the exporters must handle all occur.
  std::string types = Query(
      "SELECT string_agg(DISTINCT format_type(a.atttypid, a.atttypmod), ',' ORDER BY format_type(a.atttypid, a.atttypmod)) "
      "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
      "WHERE c.relnamespace::regnamespace::text IN ('retail', 'clinical', 'inventory', 'ops') "
      "AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped");
  if (!types.empty() && types.back() == '\n') types.pop_back();
  types = StrCat(",", types, ",");
  for (const char* type : {"bigint", "boolean", "bytea", "character(2)", "date", "double precision", "integer",
                           "interval", "jsonb", "numeric(10,2)", "numeric(12,2)", "real", "smallint", "text",
                           "text[]", "time without time zone", "timestamp with time zone",
                           "timestamp without time zone", "uuid", "character varying(120)", "clinical.rx_status",
                           "inventory.money_amount", "retail.us_zip"}) {
    EXPECT_NE(types.find(StrCat(",", type, ",")), std::string::npos)
        << type << " missing from " << types;
  }
  // Keys: every table but the partitions has a primary key; foreign keys exist.
  EXPECT_EQ(Query("SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conparentid = 0 AND "
                  "connamespace::regnamespace::text IN ('retail', 'clinical', 'inventory', 'ops');"
                  "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conparentid = 0 AND "
                  "connamespace::regnamespace::text IN ('retail', 'clinical', 'inventory', 'ops');"),
            "10\n13\n");
}

TEST_F(DemoData, ValuesKeepTheirInvariants) {
  EXPECT_EQ(Query(
                // about 85% of middle names are NULL
                "SELECT round(avg((middle_name IS NULL)::int), 1) FROM clinical.patients;"
                // events agree with their prescriptions
                "SELECT count(*) FROM ops.dispensing_events e JOIN clinical.prescriptions p USING (prescription_id) "
                "WHERE e.store_id <> p.store_id OR e.quantity <> p.quantity OR e.dispensed_at::date < p.written_on;"
                // ... and with the drug's price; money adds up
                "SELECT count(*) FROM ops.dispensing_events e JOIN clinical.prescriptions p USING (prescription_id) "
                "JOIN inventory.drugs d USING (drug_id) WHERE e.unit_price <> d.unit_price "
                "OR e.total_price <> e.quantity * e.unit_price OR e.copay + e.insurance_paid <> e.total_price;"
                // the pharmacist works at the store and is a pharmacist
                "SELECT count(*) FROM ops.dispensing_events e JOIN retail.staff s ON s.staff_id = e.pharmacist_id "
                "WHERE s.store_id <> e.store_id OR s.role <> 'pharmacist';"
                // the materialized view is populated and adds up
                "SELECT (SELECT sum(events) FROM ops.monthly_store_revenue) = 1200000;"
                // non-ASCII text survives
                "SELECT count(*) > 0 FROM clinical.patients WHERE first_name = '美咲';"),
            "0.8\n0\n0\n0\nt\nt\n");
}

}  // namespace
}  // namespace snaplake::testing
