// TableSelector: which tables an export includes, from `--only` (like RDS's
// ExportOnly): a comma-separated list of `db`, `db.schema` or `db.schema.table`.
//
// Names match exactly as stored (case-sensitive). A name holding `.`, `,`, `"`
// or surrounding spaces is written in double quotes, with `""` for a quote:
//   --only 'shop.public.orders,shop."Sales.EU"."Order Lines"'
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace snaplake {

struct TableSelector {
  std::string database;
  std::string schema;  // empty: every schema
  std::string table;   // empty: every table
  std::string text;    // as the user wrote it, for messages

  bool Matches(std::string_view db, std::string_view sch, std::string_view tbl) const;
};

Result<std::vector<TableSelector>> ParseTableSelectors(std::string_view list);

// True when `selectors` is empty or any of them matches.
bool SelectorsMatch(const std::vector<TableSelector>& selectors, std::string_view db, std::string_view schema,
                    std::string_view table);

}  // namespace snaplake
