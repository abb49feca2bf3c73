// `snaplake parquet cat FILE`: the rows as JSON lines (value_json.h), read
// and printed one batch at a time, so memory does not grow with the file;
// --limit stops reading as soon as enough rows are out.
#include <algorithm>
#include <string>

#include "cli/parquet_cli.h"
#include "format/value_json.h"

namespace snaplake::cli {

Status RunCat(const CatCommand& cmd) {
  if (cmd.limit && *cmd.limit < 0) {
    return Status::InvalidArgument(cmd.file + ": --limit must be zero or more, not " + std::to_string(*cmd.limit));
  }
  parquet::ReaderOptions options;
  options.columns = cmd.columns;
  options.int96_unit = cmd.read.int96_unit;
  // A small limit should not decode a whole default-sized batch.
  if (cmd.limit) options.batch_rows = std::clamp<int64_t>(*cmd.limit, 1, options.batch_rows);
  SL_ASSIGN_OR_RETURN(auto reader, OpenParquet(cmd.file, options));
  int64_t left = cmd.limit.value_or(INT64_MAX);
  StdoutWriter out;
  ColumnBatch batch;
  while (left > 0) {
    auto more = NextBatch(cmd.file, reader.get(), &batch);
    if (!more.ok()) {
      // Rows already decoded are still printed: they are correct, and show
      // how far the file reads.
      SL_RETURN_NOT_OK(out.Flush());
      return more.status();
    }
    if (!*more) break;
    const int64_t rows = std::min(batch.num_rows(), left);
    for (int64_t r = 0; r < rows; ++r) {
      AppendJsonRow(batch, r, out.buffer());
      out.buffer()->push_back('\n');
      SL_RETURN_NOT_OK(out.MaybeFlush());
    }
    left -= rows;
  }
  return out.Flush();
}

}  // namespace snaplake::cli
