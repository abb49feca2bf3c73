#include "cli/statistics_render.h"

#include "format/column_batch.h"
#include "format/parquet/reader/statistics_value.h"
#include "format/value_json.h"

namespace snaplake::cli {

Status AppendStatisticJson(const parquet::LeafInfo& leaf, std::string_view bytes, std::string* out) {
  if (leaf.type.is_nested()) return Status::Internal("statistics of a nested type");
  Column column(leaf.type);
  SL_RETURN_NOT_OK(parquet::DecodeStatisticValue(leaf, bytes, &column));
  AppendJsonValue(column, 0, out);
  return Status::OK();
}

}  // namespace snaplake::cli
