// Reads and checks a Parquet file's footer: the PAR1 magic at both ends, the
// footer length, the Thrift FileMetaData, and that nothing in it is
// encrypted (encrypted files are refused with NotImplemented).
#pragma once

#include "common/status.h"
#include "format/parquet/metadata/parquet_types.h"
#include "storage/file_system.h"

namespace snaplake::parquet {

// Errors name the file (file.path()).
Status ReadFooter(const RandomAccessFile& file, FileMetaData* out);

}  // namespace snaplake::parquet
