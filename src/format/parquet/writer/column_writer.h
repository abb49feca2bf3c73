// ColumnChunkWriter: encodes one leaf column of the open row group.
//
// Values arrive either flat (a top-level non-nested Column: definition levels
// are its validity) or shredded (levels + value slots from the shredder).
// They are encoded into the open page as they come; a page is closed
// (levels + values, compressed, with header and statistics) once it reaches
// page_bytes (dictionary indices counted at the 4 bytes each they take until
// then), and kept in memory until the row group is written. A page always
// starts at a row boundary.
//
// Memory: closed pages, the open page, and the dictionary while it is in use;
// page assembly scratch is shared by all column writers of a thread. All of
// it is reported by BufferedBytes(), which is what the file writer weighs
// against row_group_bytes, so a row group's memory, not only its output,
// stays within it.
#pragma once

#include <memory>
#include <vector>

#include "common/buffer.h"
#include "common/status.h"
#include "format/column_batch.h"
#include "format/compression/codec.h"
#include "format/parquet/metadata/parquet_types.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/writer/level_shredder.h"
#include "format/parquet/writer/schema_builder.h"

namespace snaplake::parquet {

class ColumnChunkWriter {
 public:
  virtual ~ColumnChunkWriter() = default;

  // A non-nested column: slot i is row i; NULLs are def level 0.
  virtual Status WriteFlat(const Column& column) = 0;
  virtual Status WriteShredded(const ShreddedLeaf& leaf) = 0;

  // Memory this chunk holds now: closed pages (compressed), the open page's
  // buffers and the dictionary's (entries and lookup table). 0 once finished.
  virtual int64_t BufferedBytes() const = 0;

  // Closes the open page and lays the chunk out as if it started at file
  // offset `chunk_offset`: fills *meta and returns the chunk's bytes (valid
  // until the next call on this writer), then resets for the next row group.
  virtual Status FinishChunk(int64_t chunk_offset, ColumnChunk* meta, std::vector<ByteView>* bytes) = 0;

  // `lean`: free per-page and per-block scratch after each use instead of
  // keeping it for reuse (for schemas so wide that kept scratch would
  // outweigh the row group).
  static Result<std::unique_ptr<ColumnChunkWriter>> Make(const LeafColumn& leaf, const WriterOptions& options,
                                                         Codec* codec, bool lean = false);
};

}  // namespace snaplake::parquet
