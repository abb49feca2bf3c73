#include "format/parquet/encoding/delta_byte_array.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

namespace snaplake::parquet {
namespace {

// Values are handled in batches of this many, so lengths live on the stack.
constexpr int64_t kBatch = 256;

size_t CommonPrefix(const uint8_t* a, size_t a_len, const uint8_t* b, size_t b_len) {
  size_t n = std::min(a_len, b_len);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    if (x != y) return i + static_cast<size_t>(std::countr_zero(x ^ y)) / 8;  // little-endian host
  }
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

Status TooFewValues(const char* encoding, int64_t wanted, int64_t left) {
  std::string msg = encoding;
  msg.append(": asked for ").append(std::to_string(wanted)).append(" values but only ");
  msg.append(std::to_string(left)).append(" are left in the page");
  return Status::Corruption(std::move(msg));
}

}  // namespace

// ---------------------------------------------------------------- encoders

void DeltaLengthByteArrayEncoder::FinishInto(ByteBuffer* out) {
  lengths_.FinishInto(out);
  out->Append(bytes_.view());
  bytes_.Clear();
}

void DeltaByteArrayEncoder::Put(std::string_view v) {
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(v.data());
  size_t prefix = CommonPrefix(last_.data(), last_.size(), bytes, v.size());
  prefixes_.Put(static_cast<int32_t>(prefix));
  suffixes_.Put(v.substr(prefix));
  last_.Clear();
  last_.Append(v);
}

void DeltaByteArrayEncoder::FinishInto(ByteBuffer* out) {
  prefixes_.FinishInto(out);
  suffixes_.FinishInto(out);
  last_.Clear();
}

// ---------------------------------------------------------------- DELTA_LENGTH_BYTE_ARRAY

Status DeltaLengthByteArrayDecoder::Init(const uint8_t* data, size_t len) {
  total_ = read_ = total_bytes_ = 0;
  bytes_pos_ = bytes_end_ = nullptr;
  status_ = lengths_.Init(data, len);
  SL_RETURN_NOT_OK(status_);

  // Walk every length once: to find where the bytes start and to check that
  // they are all there, so Decode cannot run off the end.
  DeltaBinaryPackedDecoder<int32_t> scan = lengths_;
  int32_t lengths[kBatch];
  int64_t sum = 0;
  while (scan.values_left() > 0) {
    Result<int64_t> got = scan.Decode(lengths, kBatch);
    if (!got.ok()) return status_ = got.status();
    for (int64_t i = 0; i < *got; ++i) {
      if (lengths[i] < 0) {
        std::string msg = "DELTA_LENGTH_BYTE_ARRAY has a negative length ";
        msg.append(std::to_string(lengths[i]));
        return status_ = Status::Corruption(std::move(msg));
      }
      sum += lengths[i];
    }
    // Checked per batch, so the sum cannot overflow.
    if (static_cast<uint64_t>(sum) > len) break;
  }
  Result<size_t> used = scan.BytesConsumedAfterAll();
  if (!used.ok()) return status_ = used.status();
  size_t avail = len - *used;
  if (static_cast<uint64_t>(sum) > avail) {
    std::string msg = "DELTA_LENGTH_BYTE_ARRAY lengths add up to more than the ";
    msg.append(std::to_string(avail)).append(" bytes that follow them");
    return status_ = Status::Corruption(std::move(msg));
  }
  bytes_pos_ = data + *used;
  bytes_end_ = data + len;
  total_ = lengths_.total_values();
  total_bytes_ = sum;
  return Status::OK();
}

Status DeltaLengthByteArrayDecoder::DecodeRaw(int64_t n, int32_t* lengths, const uint8_t** bytes) {
  SL_RETURN_NOT_OK(status_);
  if (n < 0 || n > values_left()) return TooFewValues("DELTA_LENGTH_BYTE_ARRAY", n, values_left());
  SL_ASSIGN_OR_RETURN(int64_t got, lengths_.Decode(lengths, n));
  if (got != n) return status_ = Status::Corruption("DELTA_LENGTH_BYTE_ARRAY lengths end early");
  // Init checked all of this; re-checking is cheap and keeps Decode safe on its own.
  uint64_t sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (lengths[i] < 0) return status_ = Status::Corruption("DELTA_LENGTH_BYTE_ARRAY has a negative length");
    sum += static_cast<uint64_t>(lengths[i]);
  }
  if (sum > static_cast<uint64_t>(bytes_end_ - bytes_pos_)) {
    return status_ = Status::Corruption("DELTA_LENGTH_BYTE_ARRAY bytes end early");
  }
  *bytes = bytes_pos_;
  bytes_pos_ += sum;
  read_ += n;
  return Status::OK();
}

Status DeltaLengthByteArrayDecoder::Decode(int64_t n, ByteBuffer* data, std::vector<int64_t>* end_offsets) {
  SL_RETURN_NOT_OK(status_);
  if (n < 0 || n > values_left()) return TooFewValues("DELTA_LENGTH_BYTE_ARRAY", n, values_left());
  end_offsets->reserve(end_offsets->size() + static_cast<size_t>(n));
  int32_t lengths[kBatch];
  while (n > 0) {
    int64_t k = std::min(n, kBatch);
    const uint8_t* bytes;
    SL_RETURN_NOT_OK(DecodeRaw(k, lengths, &bytes));
    int64_t end = static_cast<int64_t>(data->size());
    for (int64_t i = 0; i < k; ++i) {
      end += lengths[i];
      end_offsets->push_back(end);
    }
    data->Append(bytes, static_cast<size_t>(end) - data->size());
    n -= k;
  }
  return Status::OK();
}

// ---------------------------------------------------------------- DELTA_BYTE_ARRAY

Status DeltaByteArrayDecoder::Init(const uint8_t* data, size_t len) {
  total_ = read_ = total_bytes_ = 0;
  last_.Clear();
  status_ = prefixes_.Init(data, len);
  SL_RETURN_NOT_OK(status_);
  DeltaBinaryPackedDecoder<int32_t> scan_prefixes = prefixes_;
  Result<size_t> used = scan_prefixes.BytesConsumedAfterAll();
  if (!used.ok()) return status_ = used.status();
  status_ = suffixes_.Init(data + *used, len - *used);
  SL_RETURN_NOT_OK(status_);
  if (suffixes_.total_values() != prefixes_.total_values()) {
    std::string msg = "DELTA_BYTE_ARRAY has ";
    msg.append(std::to_string(prefixes_.total_values())).append(" prefix lengths but ");
    msg.append(std::to_string(suffixes_.total_values())).append(" suffixes");
    return status_ = Status::Corruption(std::move(msg));
  }

  // Check every prefix against the value before it and add up the decoded
  // size, walking copies of both streams.
  scan_prefixes = prefixes_;
  DeltaLengthByteArrayDecoder scan_suffixes = suffixes_;
  int32_t prefix[kBatch], suffix[kBatch];
  int64_t left = prefixes_.total_values();
  int64_t previous = 0;
  int64_t sum = 0;
  while (left > 0) {
    int64_t k = std::min(left, kBatch);
    Result<int64_t> got = scan_prefixes.Decode(prefix, k);
    if (!got.ok()) return status_ = got.status();
    if (*got != k) return status_ = Status::Corruption("DELTA_BYTE_ARRAY prefix lengths end early");
    const uint8_t* ignored;
    status_ = scan_suffixes.DecodeRaw(k, suffix, &ignored);
    SL_RETURN_NOT_OK(status_);
    for (int64_t i = 0; i < k; ++i) {
      if (prefix[i] < 0 || prefix[i] > previous) {
        std::string msg = "DELTA_BYTE_ARRAY value ";
        msg.append(std::to_string(prefixes_.total_values() - left + i)).append(" has prefix length ");
        msg.append(std::to_string(prefix[i])).append(" but the previous value has ");
        msg.append(std::to_string(previous)).append(" bytes");
        return status_ = Status::Corruption(std::move(msg));
      }
      previous = static_cast<int64_t>(prefix[i]) + suffix[i];
      sum += previous;  // at most 2^32 per value: no overflow in any real page count
    }
    left -= k;
  }
  total_ = prefixes_.total_values();
  total_bytes_ = sum;
  return Status::OK();
}

Status DeltaByteArrayDecoder::Decode(int64_t n, ByteBuffer* data, std::vector<int64_t>* end_offsets) {
  SL_RETURN_NOT_OK(status_);
  if (n < 0 || n > values_left()) return TooFewValues("DELTA_BYTE_ARRAY", n, values_left());
  if (n == 0) return Status::OK();
  end_offsets->reserve(end_offsets->size() + static_cast<size_t>(n));
  int32_t prefix[kBatch], suffix[kBatch];
  // The previous value: in last_ for the first value of this call, then in *data.
  bool previous_in_data = false;
  size_t previous_start = 0;
  size_t previous_len = last_.size();
  while (n > 0) {
    int64_t k = std::min(n, kBatch);
    SL_ASSIGN_OR_RETURN(int64_t got, prefixes_.Decode(prefix, k));
    if (got != k) return status_ = Status::Corruption("DELTA_BYTE_ARRAY prefix lengths end early");
    const uint8_t* suffix_bytes;
    SL_RETURN_NOT_OK(suffixes_.DecodeRaw(k, suffix, &suffix_bytes));
    int64_t batch_bytes = 0;
    for (int64_t i = 0; i < k; ++i) batch_bytes += std::max(prefix[i], 0) + int64_t{suffix[i]};
    data->Reserve(data->size() + static_cast<size_t>(batch_bytes));
    for (int64_t i = 0; i < k; ++i) {
      if (prefix[i] < 0 || static_cast<size_t>(prefix[i]) > previous_len) {
        return status_ = Status::Corruption("DELTA_BYTE_ARRAY prefix is longer than the previous value");
      }
      size_t p = static_cast<size_t>(prefix[i]);
      size_t s = static_cast<size_t>(suffix[i]);
      size_t start = data->size();
      uint8_t* dst = data->Grow(p + s);  // may move the buffer: fetch the source after
      const uint8_t* src = previous_in_data ? data->data() + previous_start : last_.data();
      if (p > 0) std::memcpy(dst, src, p);
      if (s > 0) std::memcpy(dst + p, suffix_bytes, s);
      suffix_bytes += s;
      previous_in_data = true;
      previous_start = start;
      previous_len = p + s;
      end_offsets->push_back(static_cast<int64_t>(data->size()));
    }
    n -= k;
    read_ += k;
  }
  last_.Clear();
  last_.Append(data->data() + previous_start, previous_len);
  return Status::OK();
}

}  // namespace snaplake::parquet
