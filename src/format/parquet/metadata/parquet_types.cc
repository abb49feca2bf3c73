// Temporary stubs: the compact-protocol (de)serialization lands next.
#include "format/parquet/metadata/parquet_types.h"

namespace snaplake::parquet {

Status DeserializeFileMetaData(ByteView, FileMetaData*) {
  return Status::NotImplemented("Parquet footer parsing is not implemented yet");
}
void SerializeFileMetaData(const FileMetaData&, ByteBuffer*) {}
Status DeserializePageHeader(ByteView, PageHeader*, size_t* consumed) {
  *consumed = 0;
  return Status::NotImplemented("Parquet page header parsing is not implemented yet");
}
void SerializePageHeader(const PageHeader&, ByteBuffer*) {}

}  // namespace snaplake::parquet
