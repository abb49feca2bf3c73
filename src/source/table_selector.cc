#include "source/table_selector.h"

namespace snaplake {

bool TableSelector::Matches(std::string_view db, std::string_view sch, std::string_view tbl) const {
  return database == db && (schema.empty() || schema == sch) && (table.empty() || table == tbl);
}

bool SelectorsMatch(const std::vector<TableSelector>& selectors, std::string_view db, std::string_view schema,
                    std::string_view table) {
  if (selectors.empty()) return true;
  for (const TableSelector& s : selectors) {
    if (s.Matches(db, schema, table)) return true;
  }
  return false;
}

namespace {

Status SelectorError(std::string_view item, const std::string& why) {
  std::string text = "--only: cannot read '";
  text.append(item).append("': ").append(why);
  text.append("; write db, db.schema or db.schema.table, double-quoting names that contain . , or \"");
  return Status::InvalidArgument(std::move(text));
}

// Splits one item into its dot-separated names, honouring double quotes.
Result<std::vector<std::string>> SplitNames(std::string_view item) {
  std::vector<std::string> names;
  std::string current;
  size_t i = 0;
  // Leading/trailing blanks around the whole item are not part of a name.
  while (i < item.size() && item[i] == ' ') ++i;
  size_t end = item.size();
  while (end > i && item[end - 1] == ' ') --end;
  bool expect_name = true;
  while (i < end) {
    char c = item[i];
    if (expect_name && c == '"') {
      ++i;
      bool closed = false;
      while (i < end) {
        if (item[i] == '"') {
          if (i + 1 < end && item[i + 1] == '"') {
            current.push_back('"');
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        current.push_back(item[i++]);
      }
      if (!closed) return SelectorError(item, "unterminated double quote");
      if (i < end && item[i] != '.') return SelectorError(item, "text after a closing quote");
      names.push_back(std::move(current));
      current.clear();
      expect_name = false;
      continue;
    }
    if (c == '.') {
      if (expect_name) {
        if (current.empty()) return SelectorError(item, "empty name");
        names.push_back(std::move(current));
        current.clear();
      }
      expect_name = true;
      ++i;
      continue;
    }
    if (c == '"') return SelectorError(item, "a quote inside an unquoted name");
    current.push_back(c);
    ++i;
  }
  if (expect_name) {
    if (current.empty()) return SelectorError(item, "empty name");
    names.push_back(std::move(current));
  }
  return names;
}

}  // namespace

Result<std::vector<TableSelector>> ParseTableSelectors(std::string_view list) {
  std::vector<TableSelector> selectors;
  size_t start = 0;
  bool in_quotes = false;
  for (size_t i = 0; i <= list.size(); ++i) {
    if (i < list.size() && list[i] == '"') in_quotes = !in_quotes;  // "" toggles twice: still right
    if (i < list.size() && (in_quotes || list[i] != ',')) continue;
    std::string_view item = list.substr(start, i - start);
    start = i + 1;
    if (item.find_first_not_of(' ') == std::string_view::npos) {
      if (list.find_first_not_of(" ,") == std::string_view::npos) break;
      return SelectorError(list, "empty item in the list");
    }
    SL_ASSIGN_OR_RETURN(std::vector<std::string> names, SplitNames(item));
    if (names.size() > 3) return SelectorError(item, "more than three names");
    TableSelector selector;
    selector.database = names[0];
    if (names.size() > 1) selector.schema = names[1];
    if (names.size() > 2) selector.table = names[2];
    size_t b = item.find_first_not_of(' ');
    size_t e = item.find_last_not_of(' ');
    selector.text = std::string(item.substr(b, e - b + 1));
    selectors.push_back(std::move(selector));
  }
  if (in_quotes) return SelectorError(list, "unterminated double quote");
  return selectors;
}

}  // namespace snaplake
