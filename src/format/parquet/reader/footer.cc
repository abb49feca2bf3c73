#include "format/parquet/reader/footer.h"

#include <cstring>
#include <string>

#include "common/buffer.h"

namespace snaplake::parquet {

namespace {

Status Encrypted(const RandomAccessFile& file) {
  std::string msg = file.path();
  msg.append(" is encrypted; encrypted Parquet files are not supported");
  return Status::NotImplemented(std::move(msg));
}

Status Corrupt(const RandomAccessFile& file, const std::string& what) {
  std::string msg = file.path();
  msg.append(": ").append(what);
  return Status::Corruption(std::move(msg));
}

}  // namespace

Status ReadFooter(const RandomAccessFile& file, FileMetaData* out) {
  const int64_t size = file.Size();
  // "PAR1" + footer + 4-byte length + "PAR1".
  if (size < 12) return Corrupt(file, "is " + std::to_string(size) + " bytes, too small to be a Parquet file");
  uint8_t tail[8];
  SL_RETURN_NOT_OK(file.ReadAt(size - 8, 8, tail));
  if (std::memcmp(tail + 4, "PARE", 4) == 0) return Encrypted(file);
  if (std::memcmp(tail + 4, "PAR1", 4) != 0) return Corrupt(file, "not a Parquet file (it does not end with PAR1)");
  uint8_t head[4];
  SL_RETURN_NOT_OK(file.ReadAt(0, 4, head));
  if (std::memcmp(head, "PARE", 4) == 0) return Encrypted(file);
  if (std::memcmp(head, "PAR1", 4) != 0) return Corrupt(file, "not a Parquet file (it does not start with PAR1)");
  uint32_t footer_len;
  std::memcpy(&footer_len, tail, 4);
  if (footer_len > static_cast<uint64_t>(size - 12)) {
    return Corrupt(file, "footer length " + std::to_string(footer_len) + " exceeds the file (" +
                             std::to_string(size) + " bytes)");
  }
  ByteBuffer footer(footer_len);
  footer.Resize(footer_len);
  SL_RETURN_NOT_OK(file.ReadAt(size - 8 - footer_len, footer_len, footer.data()));
  Status st = DeserializeFileMetaData(footer.view(), out);
  if (!st.ok()) return st.WithContext(file.path());
  if (out->has_encryption_algorithm || out->has_footer_signing_key_metadata) return Encrypted(file);
  for (const RowGroup& rg : out->row_groups) {
    for (const ColumnChunk& cc : rg.columns) {
      if (cc.has_crypto_metadata || cc.has_encrypted_column_metadata) return Encrypted(file);
    }
  }
  return Status::OK();
}

}  // namespace snaplake::parquet
