#include "storage/s3/s3_output_stream.h"

#include <algorithm>
#include <cstring>

namespace snaplake::s3 {

namespace {
constexpr int kMaxParts = 10'000;
constexpr int64_t kMaxPartBytes = int64_t{5} << 30;
}  // namespace

int64_t S3OutputStream::PartSize(int64_t min_part_bytes, int part_number) {
  int doublings = std::min((part_number - 1) / 1000, 20);
  return std::min(kMaxPartBytes, min_part_bytes << doublings);
}

S3OutputStream::S3OutputStream(std::shared_ptr<S3Client> client, S3Location location)
    : client_(std::move(client)), location_(std::move(location)) {
  buffer_limit_ = static_cast<size_t>(PartSize(client_->options().min_part_bytes, 1));
}

S3OutputStream::~S3OutputStream() {
  if (!finished_) Abort();
}

Status S3OutputStream::Write(ByteView bytes) {
  if (finished_) return Status::Internal("write to closed S3 stream " + location_.Uri());
  if (!failed_.ok()) return failed_;
  const uint8_t* data = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    if (buffer_.capacity() < buffer_limit_) buffer_.reserve(buffer_limit_);
    size_t n = std::min(left, buffer_limit_ - buffer_.size());
    buffer_.insert(buffer_.end(), data, data + n);
    data += n;
    left -= n;
    written_ += static_cast<int64_t>(n);
    if (buffer_.size() == buffer_limit_) {
      failed_ = StartPartUpload();
      if (!failed_.ok()) return failed_;
    }
  }
  return Status::OK();
}

Status S3OutputStream::StartPartUpload() {
  if (next_part_ > kMaxParts) {
    return Status::InvalidArgument(location_.Uri() + " is larger than S3's limit of 10,000 parts (5 TiB)");
  }
  if (upload_id_.empty()) {
    SL_ASSIGN_OR_RETURN(upload_id_, client_->CreateMultipartUpload(location_));
  }
  while (static_cast<int>(in_flight_.size()) >= std::max(1, client_->options().parts_in_flight)) {
    SL_RETURN_NOT_OK(WaitForOldestPart());
  }
  int part_number = next_part_++;
  buffer_limit_ = static_cast<size_t>(PartSize(client_->options().min_part_bytes, next_part_));
  std::vector<uint8_t> part = std::move(buffer_);
  buffer_ = std::vector<uint8_t>();
  if (!spare_buffers_.empty()) {
    buffer_ = std::move(spare_buffers_.back());
    spare_buffers_.pop_back();
    buffer_.clear();
  }
  in_flight_.push_back(std::async(std::launch::async, [client = client_, location = location_,
                                                       upload_id = upload_id_, part_number,
                                                       part = std::move(part)]() mutable {
    PartResult result;
    result.md5 = Md5(AsStringView(part.data(), part.size()));
    Result<std::string> etag =
        client->UploadPart(location, upload_id, part_number, ByteView(part.data(), part.size()), result.md5);
    if (etag.ok()) {
      result.etag = *etag;
    } else {
      result.status = etag.status();
    }
    result.buffer = std::move(part);
    return result;
  }));
  return Status::OK();
}

Status S3OutputStream::WaitForOldestPart() {
  PartResult result = in_flight_.front().get();
  in_flight_.erase(in_flight_.begin());
  if (!finished_) spare_buffers_.push_back(std::move(result.buffer));
  SL_RETURN_NOT_OK(result.status);
  etags_.push_back(std::move(result.etag));
  md5s_.push_back(result.md5);
  return Status::OK();
}

Status S3OutputStream::DrainParts() {
  Status first;
  while (!in_flight_.empty()) {
    Status st = WaitForOldestPart();
    if (first.ok()) first = st;
  }
  return first;
}

Status S3OutputStream::Close() {
  if (finished_) return failed_;
  Status st = failed_;
  if (st.ok() && upload_id_.empty()) {
    // Smaller than one part: a single PUT.
    st = client_->PutObject(location_, ByteView(buffer_.data(), buffer_.size()));
    finished_ = true;
    buffer_ = std::vector<uint8_t>();
    failed_ = st;
    return st;
  }
  if (st.ok() && !buffer_.empty()) st = StartPartUpload();
  Status drained = DrainParts();
  if (st.ok()) st = drained;
  if (st.ok()) st = client_->CompleteMultipartUpload(location_, upload_id_, etags_, MultipartEtag(md5s_));
  if (!st.ok()) {
    (void)client_->AbortMultipartUpload(location_, upload_id_);
  }
  finished_ = true;
  buffer_ = std::vector<uint8_t>();
  spare_buffers_.clear();
  failed_ = st;
  return st;
}

void S3OutputStream::Abort() {
  if (finished_) return;
  finished_ = true;
  (void)DrainParts();
  if (!upload_id_.empty()) (void)client_->AbortMultipartUpload(location_, upload_id_);
  buffer_ = std::vector<uint8_t>();
  if (failed_.ok()) failed_ = Status::Cancelled("upload of " + location_.Uri() + " was aborted");
}

}  // namespace snaplake::s3
