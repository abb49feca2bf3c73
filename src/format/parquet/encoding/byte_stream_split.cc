#include "format/parquet/encoding/byte_stream_split.h"

#include <string>

namespace snaplake::parquet {
namespace {

// Fixed widths get a compile-time inner loop the compiler fully unrolls; each
// of the W streams is then written (or read) sequentially.
template <int W>
void EncodeFixed(const uint8_t* values, int64_t n, uint8_t* out) {
  for (int64_t i = 0; i < n; ++i) {
    for (int k = 0; k < W; ++k) out[k * n + i] = values[i * W + k];
  }
}

template <int W>
void DecodeFixed(const uint8_t* in, int64_t stride, int64_t n, uint8_t* out) {
  for (int64_t i = 0; i < n; ++i) {
    for (int k = 0; k < W; ++k) out[i * W + k] = in[k * stride + i];
  }
}

void EncodeAny(const uint8_t* values, int width, int64_t n, uint8_t* out) {
  for (int k = 0; k < width; ++k) {
    uint8_t* stream = out + k * n;
    for (int64_t i = 0; i < n; ++i) stream[i] = values[i * width + k];
  }
}

void DecodeAny(const uint8_t* in, int width, int64_t stride, int64_t n, uint8_t* out) {
  for (int k = 0; k < width; ++k) {
    const uint8_t* stream = in + k * stride;
    for (int64_t i = 0; i < n; ++i) out[i * width + k] = stream[i];
  }
}

}  // namespace

void ByteStreamSplitEncode(const uint8_t* values, int width, int64_t n, ByteBuffer* out) {
  if (n <= 0 || width <= 0) return;
  uint8_t* dst = out->Grow(static_cast<size_t>(width) * static_cast<size_t>(n));
  switch (width) {
    case 2: EncodeFixed<2>(values, n, dst); break;
    case 4: EncodeFixed<4>(values, n, dst); break;
    case 8: EncodeFixed<8>(values, n, dst); break;
    case 16: EncodeFixed<16>(values, n, dst); break;
    default: EncodeAny(values, width, n, dst); break;
  }
}

Status ByteStreamSplitDecode(ByteView in, int width, int64_t n, uint8_t* out) {
  if (width <= 0) {
    std::string msg = "BYTE_STREAM_SPLIT with a value width of ";
    msg.append(std::to_string(width));
    return Status::Corruption(std::move(msg));
  }
  if (n < 0) n = 0;
  if (in.size() % static_cast<size_t>(width) != 0) {
    std::string msg = "BYTE_STREAM_SPLIT data of ";
    msg.append(std::to_string(in.size())).append(" bytes is not a whole number of ");
    msg.append(std::to_string(width)).append("-byte values");
    return Status::Corruption(std::move(msg));
  }
  int64_t stride = static_cast<int64_t>(in.size() / static_cast<size_t>(width));
  if (stride < n) {
    std::string msg = "BYTE_STREAM_SPLIT data holds ";
    msg.append(std::to_string(stride)).append(" values but ").append(std::to_string(n)).append(" were expected");
    return Status::Corruption(std::move(msg));
  }
  switch (width) {
    case 2: DecodeFixed<2>(in.data(), stride, n, out); break;
    case 4: DecodeFixed<4>(in.data(), stride, n, out); break;
    case 8: DecodeFixed<8>(in.data(), stride, n, out); break;
    case 16: DecodeFixed<16>(in.data(), stride, n, out); break;
    default: DecodeAny(in.data(), width, stride, n, out); break;
  }
  return Status::OK();
}

}  // namespace snaplake::parquet
