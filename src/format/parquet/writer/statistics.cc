#include "format/parquet/writer/statistics.h"

namespace snaplake::parquet {

int CompareSignedBigEndian(std::string_view a, std::string_view b) {
  // Equal widths within one column; the first byte carries the sign.
  if (a.empty() || b.empty()) return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
  const int8_t sa = static_cast<int8_t>(a[0]), sb = static_cast<int8_t>(b[0]);
  if (sa != sb) return sa < sb ? -1 : 1;
  const int c = std::memcmp(a.data() + 1, b.data() + 1, std::min(a.size(), b.size()) - 1);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace snaplake::parquet
