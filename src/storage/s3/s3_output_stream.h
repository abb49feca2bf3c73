// S3OutputStream: an OutputStream that streams to one S3 object.
//
// Bytes fill a part buffer; a full part is uploaded in the background
// (UploadPart, at most S3Options::parts_in_flight at once) while the next one
// fills, so memory stays at (1 + parts_in_flight) parts whatever the file size.
// Part sizes start at S3Options::min_part_bytes (8 MiB) and double every 1,000
// parts, which covers S3's 5 TiB object limit within its 10,000 parts. A file
// smaller than one part is one PUT. Close() completes the upload (the object
// appears whole, or not at all); Abort(), a failure, or destruction without
// Close() aborts it, so no parts are left behind.
#pragma once

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "storage/file_system.h"
#include "storage/s3/s3_client.h"

namespace snaplake::s3 {

class S3OutputStream : public OutputStream {
 public:
  S3OutputStream(std::shared_ptr<S3Client> client, S3Location location);
  ~S3OutputStream() override;

  Status Write(ByteView bytes) override;
  Status Close() override;
  void Abort() override;
  int64_t Tell() const override { return written_; }

  // The part size used for part number `part_number` (1-based).
  static int64_t PartSize(int64_t min_part_bytes, int part_number);

 private:
  struct PartResult {
    Status status;
    std::string etag;
    Md5Digest md5{};
    std::vector<uint8_t> buffer;  // handed back for reuse
  };
  Status StartPartUpload();
  Status WaitForOldestPart();
  Status DrainParts();

  std::shared_ptr<S3Client> client_;
  S3Location location_;
  std::string upload_id_;
  std::vector<uint8_t> buffer_;   // the part being filled
  // Buffers of uploaded parts, reused: a stream allocates at most
  // parts_in_flight + 1 part buffers, however long the file.
  std::vector<std::vector<uint8_t>> spare_buffers_;
  size_t buffer_limit_ = 0;
  std::vector<std::future<PartResult>> in_flight_;
  std::vector<std::string> etags_;
  std::vector<Md5Digest> md5s_;
  int next_part_ = 1;
  int64_t written_ = 0;
  Status failed_;
  bool finished_ = false;
};

}  // namespace snaplake::s3
