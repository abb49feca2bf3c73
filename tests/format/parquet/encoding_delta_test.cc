// Tests for DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/buffer.h"
#include "format/parquet/encoding/delta_binary_packed.h"
#include "format/parquet/encoding/delta_byte_array.h"
#include "format/parquet/encoding/varint.h"

namespace snaplake::parquet {
namespace {

std::vector<uint8_t> Bytes(const ByteBuffer& b) { return std::vector<uint8_t>(b.data(), b.data() + b.size()); }

template <typename T>
ByteBuffer EncodeDelta(const std::vector<T>& values) {
  DeltaBinaryPackedEncoder<T> enc;
  enc.Put(values.data(), static_cast<int64_t>(values.size()));
  EXPECT_EQ(enc.num_values(), static_cast<int64_t>(values.size()));
  size_t estimate = enc.EstimatedSize();
  ByteBuffer out;
  enc.FinishInto(&out);
  EXPECT_LE(out.size(), estimate + 16);
  EXPECT_EQ(enc.num_values(), 0);
  return out;
}

template <typename T>
Result<std::vector<T>> DecodeDelta(const uint8_t* data, size_t len, int64_t batch) {
  DeltaBinaryPackedDecoder<T> dec;
  SL_RETURN_NOT_OK(dec.Init(data, len));
  std::vector<T> out(static_cast<size_t>(dec.total_values()));
  int64_t pos = 0;
  while (pos < dec.total_values()) {
    int64_t k = std::min(batch, dec.total_values() - pos);
    SL_ASSIGN_OR_RETURN(int64_t got, dec.Decode(out.data() + pos, k));
    if (got != k) return Status::Corruption("short decode");
    pos += k;
  }
  T extra;
  SL_ASSIGN_OR_RETURN(int64_t more, dec.Decode(&extra, 1));
  if (more != 0) return Status::Internal("decoded past the end");
  return out;
}

// ------------------------------------------------------------------ DELTA_BINARY_PACKED

TEST(DeltaBinaryPacked, SpecExample1) {
  // 1, 2, 3, 4, 5 with block size 8 and 1 miniblock: header 8 1 5 zigzag(1),
  // block: zigzag(min delta 1), bit width 0, no data.
  const uint8_t data[] = {0x08, 0x01, 0x05, 0x02, 0x02, 0x00};
  Result<std::vector<int32_t>> got = DecodeDelta<int32_t>(data, sizeof(data), 100);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, (std::vector<int32_t>{1, 2, 3, 4, 5}));
  DeltaBinaryPackedDecoder<int64_t> dec;
  ASSERT_TRUE(dec.Init(data, sizeof(data)).ok());
  Result<size_t> used = dec.BytesConsumedAfterAll();
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(*used, sizeof(data));
}

TEST(DeltaBinaryPacked, SpecExample2) {
  // 7, 5, 3, 1, 2, 3, 4, 5: min delta -2, relative deltas 0 0 0 3 3 3 3 (+1
  // padding) on 2 bits, LSB first: 0xC0 0x3F.
  const uint8_t data[] = {0x08, 0x01, 0x08, 0x0E, 0x03, 0x02, 0xC0, 0x3F};
  Result<std::vector<int64_t>> got = DecodeDelta<int64_t>(data, sizeof(data), 3);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, (std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}));
}

TEST(DeltaBinaryPacked, EncoderWritesSpecLayout) {
  // 1..5 in our 128/4 layout: header 0x80 0x01, 4, 5, zigzag(1); one block:
  // zigzag(1), four zero bit widths, no data.
  ByteBuffer out = EncodeDelta<int32_t>({1, 2, 3, 4, 5});
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00}));
  // 7, 5, 3, 1, 2, 3, 4, 5: as the spec's example 2, with three unused widths
  // and the first miniblock padded to 32 values (8 bytes at width 2).
  out = EncodeDelta<int64_t>({7, 5, 3, 1, 2, 3, 4, 5});
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00, 0x00, 0xC0,
                                              0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}));
  // No values: a header saying 0; one value: a header and no block.
  EXPECT_EQ(Bytes(EncodeDelta<int32_t>({})), (std::vector<uint8_t>{0x80, 0x01, 0x04, 0x00, 0x00}));
  EXPECT_EQ(Bytes(EncodeDelta<int64_t>({-1})), (std::vector<uint8_t>{0x80, 0x01, 0x04, 0x01, 0x01}));
}

template <typename T>
std::vector<std::vector<T>> DeltaCases(int64_t n, uint64_t seed) {
  using L = std::numeric_limits<T>;
  std::mt19937_64 rng(seed);
  std::vector<std::vector<T>> cases(7, std::vector<T>(static_cast<size_t>(n)));
  for (int64_t i = 0; i < n; ++i) {
    size_t s = static_cast<size_t>(i);
    cases[0][s] = static_cast<T>(1000 + i);                              // sequential
    cases[1][s] = static_cast<T>(rng());                                  // full range random
    cases[2][s] = (i % 2) ? L::max() : L::min();                          // extremes alternating
    cases[3][s] = static_cast<T>(42);                                     // constant
    cases[4][s] = static_cast<T>(static_cast<int64_t>(rng() % 200) - 100);  // small values
    cases[5][s] = (i % 3 == 0) ? L::min() : (i % 3 == 1 ? L::max() : 0);  // extremes and zero
    cases[6][s] = static_cast<T>(i % 128 == 0 ? rng() : (rng() % 16));   // mostly narrow, rare wide
  }
  // Descending (negative deltas), wrapping through the extremes.
  if (n > 0) cases.push_back(std::vector<T>(static_cast<size_t>(n)));
  for (int64_t i = 0; i < n; ++i) {
    cases.back()[static_cast<size_t>(i)] = static_cast<T>(static_cast<std::make_unsigned_t<T>>(L::max()) -
                                                          static_cast<std::make_unsigned_t<T>>(i * 7919));
  }
  return cases;
}

template <typename T>
void RoundTripDelta() {
  for (int64_t n : {0, 1, 2, 7, 8, 9, 31, 32, 33, 127, 128, 129, 130, 257, 1000, 100003}) {
    auto cases = DeltaCases<T>(n, static_cast<uint64_t>(n) + sizeof(T));
    for (size_t c = 0; c < cases.size(); ++c) {
      SCOPED_TRACE("n=" + std::to_string(n) + " case " + std::to_string(c));
      const std::vector<T>& values = cases[c];
      ByteBuffer encoded = EncodeDelta(values);
      for (int64_t batch : {int64_t{1}, int64_t{5}, int64_t{32}, int64_t{1000000}}) {
        if (n > 2000 && batch < 32) continue;
        Result<std::vector<T>> got = DecodeDelta<T>(encoded.data(), encoded.size(), batch);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        ASSERT_EQ(*got, values) << "batch " << batch;
      }
      // The stream's end is found exactly, even with bytes after it.
      ByteBuffer padded;
      padded.Append(encoded.view());
      padded.Append(std::string_view("trailing bytes"));
      DeltaBinaryPackedDecoder<T> dec;
      ASSERT_TRUE(dec.Init(padded.data(), padded.size()).ok());
      EXPECT_EQ(dec.total_values(), n);
      Result<size_t> used = dec.BytesConsumedAfterAll();
      ASSERT_TRUE(used.ok());
      EXPECT_EQ(*used, encoded.size());
      // Constant data costs a header per block and nothing else.
      if (c == 3 && n > 1) {
        EXPECT_LE(encoded.size(), 10 + static_cast<size_t>((n + 127) / 128) * 6);
      }
    }
  }
}

TEST(DeltaBinaryPacked, RoundTripsInt32) { RoundTripDelta<int32_t>(); }
TEST(DeltaBinaryPacked, RoundTripsInt64) { RoundTripDelta<int64_t>(); }

TEST(DeltaBinaryPacked, ExtremesUseFullWidthWithoutOverflow) {
  // INT_MIN/INT_MAX alternating: deltas wrap to -1 and +1 in 32-bit arithmetic.
  std::vector<int32_t> v32;
  for (int i = 0; i < 300; ++i) v32.push_back(i % 2 ? INT32_MIN : INT32_MAX);
  ByteBuffer e32 = EncodeDelta(v32);
  // Wrapped deltas are +1/-1, so each miniblock needs just 2 bits.
  EXPECT_LT(e32.size(), 3u * (1 + 4 + 4 * 8) + 8);
  Result<std::vector<int32_t>> d32 = DecodeDelta<int32_t>(e32.data(), e32.size(), 64);
  ASSERT_TRUE(d32.ok());
  EXPECT_EQ(*d32, v32);
  // Deltas across the whole int64 range need miniblocks of width 64.
  std::vector<int64_t> v64 = {INT64_MIN, INT64_MAX, INT64_MIN, 0, INT64_MAX, -1, 1, INT64_MIN};
  ByteBuffer e64 = EncodeDelta(v64);
  Result<std::vector<int64_t>> d64 = DecodeDelta<int64_t>(e64.data(), e64.size(), 3);
  ASSERT_TRUE(d64.ok());
  EXPECT_EQ(*d64, v64);
}

TEST(DeltaBinaryPacked, MalformedHeadersAreCorruption) {
  auto init = [](std::vector<uint8_t> bytes) {
    DeltaBinaryPackedDecoder<int32_t> dec;
    return dec.Init(bytes.data(), bytes.size()).code();
  };
  EXPECT_EQ(init({}), StatusCode::kCorruption);
  EXPECT_EQ(init({0x80, 0x01, 0x04}), StatusCode::kCorruption);               // no count
  EXPECT_EQ(init({0x80, 0x01, 0x04, 0x05}), StatusCode::kCorruption);         // no first value
  EXPECT_EQ(init({0x00, 0x01, 0x01, 0x00}), StatusCode::kCorruption);         // block size 0
  EXPECT_EQ(init({0x07, 0x01, 0x01, 0x00}), StatusCode::kCorruption);         // block size 7
  EXPECT_EQ(init({0x80, 0x01, 0x00, 0x01, 0x00}), StatusCode::kCorruption);   // 0 miniblocks
  EXPECT_EQ(init({0x80, 0x01, 0x03, 0x01, 0x00}), StatusCode::kCorruption);   // 128 / 3
  EXPECT_EQ(init({0x80, 0x01, 0x20, 0x01, 0x00}), StatusCode::kCorruption);   // miniblocks of 4 values
  EXPECT_EQ(init({0x80, 0x80, 0x80, 0x80, 0x01, 0x01, 0x01, 0x00}), StatusCode::kCorruption);  // block 2^28
  // A billion values in a handful of bytes.
  EXPECT_EQ(init({0x80, 0x01, 0x04, 0x80, 0x94, 0xEB, 0xDC, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}),
            StatusCode::kCorruption);
  // A varint longer than 10 bytes.
  EXPECT_EQ(init({0x80, 0x01, 0x04, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}),
            StatusCode::kCorruption);
  // Valid: zero values.
  EXPECT_EQ(init({0x80, 0x01, 0x04, 0x00, 0x00}), StatusCode::kOk);
}

TEST(DeltaBinaryPacked, OversizedBitWidthsAreCorruption) {
  // 129 values: one block whose first miniblock claims width 33 (int32) / 65 (int64).
  for (uint8_t width : {33, 65}) {
    std::vector<uint8_t> data = {0x80, 0x01, 0x04, 0x81, 0x01, 0x00, 0x00, width, 0, 0, 0};
    data.resize(data.size() + 300, 0);
    DeltaBinaryPackedDecoder<int32_t> d32;
    ASSERT_TRUE(d32.Init(data.data(), data.size()).ok());
    int32_t out32[200];
    EXPECT_EQ(d32.Decode(out32, 200).status().code(), StatusCode::kCorruption);
    DeltaBinaryPackedDecoder<int64_t> d64;
    ASSERT_TRUE(d64.Init(data.data(), data.size()).ok());
    int64_t out64[200];
    Result<int64_t> r = d64.Decode(out64, 200);
    if (width == 33) {
      // 33 bits is legal for int64, and 300 zero bytes cover its 132-byte miniblock.
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(*r, 129);
    } else {
      EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    }
  }
}

TEST(DeltaBinaryPacked, UnusedMiniblockWidthsMayBeGarbage) {
  // 1..5 with garbage in the three unused bit widths (the spec allows it).
  const uint8_t data[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0xFF, 0x77, 0x99};
  Result<std::vector<int32_t>> got = DecodeDelta<int32_t>(data, sizeof(data), 10);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, (std::vector<int32_t>{1, 2, 3, 4, 5}));
}

TEST(DeltaBinaryPacked, TruncationIsDetectedOrHarmless) {
  std::vector<int64_t> values = DeltaCases<int64_t>(700, 3)[1];
  ByteBuffer encoded = EncodeDelta(values);
  int errors = 0;
  for (size_t len = 0; len < encoded.size(); ++len) {
    Result<std::vector<int64_t>> got = DecodeDelta<int64_t>(encoded.data(), len, 64);
    if (got.ok()) {
      // Possible only when the cut removed nothing but last-miniblock padding.
      EXPECT_EQ(*got, values) << "len " << len;
    } else {
      EXPECT_EQ(got.status().code(), StatusCode::kCorruption) << got.status().ToString();
      ++errors;
    }
  }
  EXPECT_GT(errors, static_cast<int>(encoded.size()) - 64);
}

TEST(DeltaBinaryPacked, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(5);
  int64_t out[512];
  for (int iter = 0; iter < 5000; ++iter) {
    std::vector<uint8_t> data(rng() % 64);
    for (auto& b : data) b = static_cast<uint8_t>(rng() % 4 == 0 ? rng() % 8 : rng());
    if (data.size() >= 3 && iter % 2 == 0) {  // a plausible header makes the body get parsed
      data[0] = 0x80;
      data[1] = 0x01;
      data[2] = 0x04;
    }
    DeltaBinaryPackedDecoder<int64_t> dec;
    if (!dec.Init(data.data(), data.size()).ok()) continue;
    Result<int64_t> got = dec.Decode(out, 512);
    if (got.ok()) {
      EXPECT_LE(*got, 512);
    }
    (void)dec.BytesConsumedAfterAll();
  }
}

TEST(DeltaBinaryPacked, DecodeBeforeInitFails) {
  DeltaBinaryPackedDecoder<int32_t> dec;
  int32_t out[1];
  EXPECT_FALSE(dec.Decode(out, 1).ok());
  EXPECT_FALSE(dec.BytesConsumedAfterAll().ok());
}

// ------------------------------------------------------------------ byte arrays

struct Decoded {
  ByteBuffer data;
  std::vector<int64_t> ends;
  std::vector<std::string> Strings(int64_t base = 0) const {
    std::vector<std::string> out;
    int64_t start = base;
    for (int64_t end : ends) {
      out.emplace_back(reinterpret_cast<const char*>(data.data()) + start, static_cast<size_t>(end - start));
      start = end;
    }
    return out;
  }
};

template <typename Decoder>
Result<std::vector<std::string>> DecodeStrings(const ByteBuffer& encoded, int64_t batch, bool clear_between) {
  Decoder dec;
  SL_RETURN_NOT_OK(dec.Init(encoded.data(), encoded.size()));
  std::vector<std::string> out;
  Decoded d;
  int64_t expected_bytes = dec.total_bytes();
  int64_t bytes = 0;
  while (dec.values_left() > 0) {
    int64_t k = std::min(batch, dec.values_left());
    if (clear_between) {
      d.data.Clear();
      d.ends.clear();
    }
    size_t before = d.ends.size();
    int64_t base = before == 0 ? 0 : d.ends.back();
    SL_RETURN_NOT_OK(dec.Decode(k, &d.data, &d.ends));
    if (d.ends.size() != before + static_cast<size_t>(k)) return Status::Internal("wrong offset count");
    Decoded part;
    part.ends.assign(d.ends.begin() + static_cast<int64_t>(before), d.ends.end());
    part.data.Append(d.data.view());
    for (auto& s : part.Strings(base)) {
      bytes += static_cast<int64_t>(s.size());
      out.push_back(std::move(s));
    }
  }
  if (bytes != expected_bytes) return Status::Internal("total_bytes() disagrees with Decode");
  return out;
}

template <typename Encoder>
ByteBuffer EncodeStrings(const std::vector<std::string>& values) {
  Encoder enc;
  for (const auto& v : values) enc.Put(v);
  EXPECT_EQ(enc.num_values(), static_cast<int64_t>(values.size()));
  size_t estimate = enc.EstimatedSize();
  ByteBuffer out;
  enc.FinishInto(&out);
  EXPECT_LE(out.size(), estimate + 32);
  return out;
}

std::vector<int32_t> DecodeAllInt32(const uint8_t* data, size_t len, size_t* used) {
  DeltaBinaryPackedDecoder<int32_t> dec;
  EXPECT_TRUE(dec.Init(data, len).ok());
  std::vector<int32_t> out(static_cast<size_t>(dec.total_values()));
  Result<int64_t> got = dec.Decode(out.data(), dec.total_values());
  EXPECT_TRUE(got.ok());
  Result<size_t> u = dec.BytesConsumedAfterAll();
  EXPECT_TRUE(u.ok());
  *used = u.ok() ? *u : 0;
  return out;
}

TEST(DeltaLengthByteArray, SpecExample) {
  std::vector<std::string> values = {"Hello", "World", "Foobar", "ABCDEF"};
  ByteBuffer encoded = EncodeStrings<DeltaLengthByteArrayEncoder>(values);
  size_t used = 0;
  EXPECT_EQ(DecodeAllInt32(encoded.data(), encoded.size(), &used), (std::vector<int32_t>{5, 5, 6, 6}));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(encoded.data()) + used, encoded.size() - used),
            "HelloWorldFoobarABCDEF");
  Result<std::vector<std::string>> got = DecodeStrings<DeltaLengthByteArrayDecoder>(encoded, 3, false);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, values);
}

TEST(DeltaByteArray, SpecExample) {
  std::vector<std::string> values = {"axis", "axle", "babble", "babyhood"};
  ByteBuffer encoded = EncodeStrings<DeltaByteArrayEncoder>(values);
  size_t prefix_bytes = 0, suffix_len_bytes = 0;
  EXPECT_EQ(DecodeAllInt32(encoded.data(), encoded.size(), &prefix_bytes), (std::vector<int32_t>{0, 2, 0, 3}));
  EXPECT_EQ(DecodeAllInt32(encoded.data() + prefix_bytes, encoded.size() - prefix_bytes, &suffix_len_bytes),
            (std::vector<int32_t>{4, 2, 6, 5}));
  size_t data_start = prefix_bytes + suffix_len_bytes;
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(encoded.data()) + data_start, encoded.size() - data_start),
            "axislebabbleyhood");
  for (int64_t batch : {1, 2, 4}) {
    for (bool clear : {false, true}) {
      Result<std::vector<std::string>> got = DecodeStrings<DeltaByteArrayDecoder>(encoded, batch, clear);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(*got, values);
    }
  }
}

std::vector<std::string> SharedPrefixStrings(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> v;
  for (int64_t i = 0; i < n; ++i) {
    std::string s = "https://example.com/";
    s.append(std::to_string(rng() % 50)).append("/item/");
    size_t extra = rng() % 4 == 0 ? rng() % 3000 : rng() % 20;
    for (size_t j = 0; j < extra; ++j) s.push_back(static_cast<char>('a' + rng() % 3));
    if (rng() % 20 == 0) s.clear();
    if (rng() % 30 == 0) s.push_back('\0');
    v.push_back(std::move(s));
  }
  std::sort(v.begin(), v.begin() + static_cast<int64_t>(v.size()) / 2);  // half sorted: long shared prefixes
  return v;
}

TEST(DeltaByteArrays, RoundTripAndReuse) {
  for (int64_t n : {0, 1, 7, 8, 9, 129, 1000, 5000}) {
    std::vector<std::string> values = SharedPrefixStrings(n, static_cast<uint64_t>(n));
    ByteBuffer dlba = EncodeStrings<DeltaLengthByteArrayEncoder>(values);
    ByteBuffer dba = EncodeStrings<DeltaByteArrayEncoder>(values);
    if (n > 100) {
      EXPECT_LT(dba.size(), dlba.size()) << "shared prefixes should pay off";
    }
    for (int64_t batch : {1, 100, 256, 257, 100000}) {
      if (n > 1000 && batch == 1) continue;
      SCOPED_TRACE("n=" + std::to_string(n) + " batch=" + std::to_string(batch));
      Result<std::vector<std::string>> a = DecodeStrings<DeltaLengthByteArrayDecoder>(dlba, batch, batch == 100);
      ASSERT_TRUE(a.ok()) << a.status().ToString();
      EXPECT_EQ(*a, values);
      Result<std::vector<std::string>> b = DecodeStrings<DeltaByteArrayDecoder>(dba, batch, batch == 100);
      ASSERT_TRUE(b.ok()) << b.status().ToString();
      EXPECT_EQ(*b, values);
    }
  }
  // Encoders reset on Finish: a second page encodes identically.
  std::vector<std::string> values = SharedPrefixStrings(300, 9);
  DeltaByteArrayEncoder enc;
  ByteBuffer first, second;
  for (const auto& v : values) enc.Put(v);
  enc.FinishInto(&first);
  for (const auto& v : values) enc.Put(v);
  enc.FinishInto(&second);
  EXPECT_EQ(Bytes(first), Bytes(second));
}

TEST(DeltaByteArrays, DecodeAppendsAfterExistingData) {
  std::vector<std::string> values = {"abc", "abd", "", "x"};
  ByteBuffer encoded = EncodeStrings<DeltaByteArrayEncoder>(values);
  DeltaByteArrayDecoder dec;
  ASSERT_TRUE(dec.Init(encoded.data(), encoded.size()).ok());
  ByteBuffer data;
  data.Append(std::string_view("zz"));
  std::vector<int64_t> ends = {2};
  ASSERT_TRUE(dec.Decode(4, &data, &ends).ok());
  EXPECT_EQ(ends, (std::vector<int64_t>{2, 5, 8, 8, 9}));
  EXPECT_EQ(AsStringView(data.view()), "zzabcabdx");
  EXPECT_EQ(dec.Decode(1, &data, &ends).code(), StatusCode::kCorruption) << "no values left";
}

ByteBuffer RawInt32Stream(const std::vector<int32_t>& v) {
  DeltaBinaryPackedEncoder<int32_t> enc;
  enc.Put(v.data(), static_cast<int64_t>(v.size()));
  ByteBuffer out;
  enc.FinishInto(&out);
  return out;
}

TEST(DeltaByteArrays, MalformedStreamsAreCorruption) {
  auto dlba_init = [](const ByteBuffer& b) {
    DeltaLengthByteArrayDecoder dec;
    return dec.Init(b.data(), b.size()).code();
  };
  auto dba_init = [](const ByteBuffer& b) {
    DeltaByteArrayDecoder dec;
    return dec.Init(b.data(), b.size()).code();
  };
  {
    ByteBuffer b = RawInt32Stream({3, -1});  // negative length
    b.Append(std::string_view("abc"));
    EXPECT_EQ(dlba_init(b), StatusCode::kCorruption);
  }
  {
    ByteBuffer b = RawInt32Stream({3, 4});  // 7 bytes promised, 6 present
    b.Append(std::string_view("abcdef"));
    EXPECT_EQ(dlba_init(b), StatusCode::kCorruption);
    b.PushBack('g');
    EXPECT_EQ(dlba_init(b), StatusCode::kOk);
  }
  {
    ByteBuffer b = RawInt32Stream({0, 5});  // prefix 5 after a 2-byte value
    ByteBuffer s = RawInt32Stream({2, 1});
    b.Append(s.view());
    b.Append(std::string_view("abc"));
    EXPECT_EQ(dba_init(b), StatusCode::kCorruption);
  }
  {
    ByteBuffer b = RawInt32Stream({1});  // first prefix must be 0
    ByteBuffer s = RawInt32Stream({1});
    b.Append(s.view());
    b.Append(std::string_view("a"));
    EXPECT_EQ(dba_init(b), StatusCode::kCorruption);
  }
  {
    ByteBuffer b = RawInt32Stream({0, 1, 1});  // 3 prefixes, 2 suffixes
    ByteBuffer s = RawInt32Stream({1, 1});
    b.Append(s.view());
    b.Append(std::string_view("ab"));
    EXPECT_EQ(dba_init(b), StatusCode::kCorruption);
  }
  {
    ByteBuffer b = RawInt32Stream({0, 1});  // suffix stream missing entirely
    EXPECT_EQ(dba_init(b), StatusCode::kCorruption);
  }
  {
    DeltaLengthByteArrayDecoder dec;
    ByteBuffer data;
    std::vector<int64_t> ends;
    EXPECT_FALSE(dec.Decode(1, &data, &ends).ok()) << "used before Init";
  }
}

TEST(DeltaByteArrays, TruncationAndGarbageAreCaught) {
  std::vector<std::string> values = SharedPrefixStrings(400, 17);
  ByteBuffer dba = EncodeStrings<DeltaByteArrayEncoder>(values);
  for (size_t len = 0; len < dba.size(); len += 7) {
    DeltaByteArrayDecoder dec;
    Status st = dec.Init(dba.data(), len);
    // The last bytes are suffix data; every shorter prefix breaks some promise.
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << "len " << len;
  }
  std::mt19937_64 rng(23);
  for (int iter = 0; iter < 2000; ++iter) {
    ByteBuffer g;
    g.Append(dba.view());
    for (int flips = 0; flips < 3; ++flips) g.data()[rng() % g.size()] = static_cast<uint8_t>(rng());
    DeltaByteArrayDecoder dec;
    if (!dec.Init(g.data(), g.size()).ok()) continue;
    ByteBuffer data;
    std::vector<int64_t> ends;
    Status st = dec.Decode(dec.total_values(), &data, &ends);
    if (st.ok()) {
      EXPECT_EQ(static_cast<int64_t>(data.size()), dec.total_bytes());
    }
  }
}

// ------------------------------------------------------------------ parquet-testing files
//
// The files below are uncompressed single-page columns, so their value
// streams can be found by scanning for a DELTA_BINARY_PACKED header
// (block 128, 4 miniblocks) without a Parquet reader. Every column of the
// expected CSV must match some stream that decodes cleanly.

std::optional<std::filesystem::path> TestDataDir() {
  const char* env = std::getenv("SNAPLAKE_TESTDATA");
  std::filesystem::path dir = env && *env ? env : "/work/shared/testdata";
  dir /= "parquet-testing/data";
  if (!std::filesystem::exists(dir)) return std::nullopt;
  return dir;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// CSV with "quoted" fields; an empty unquoted field is NULL.
std::vector<std::vector<std::optional<std::string>>> ReadCsv(const std::filesystem::path& p) {
  std::vector<std::vector<std::optional<std::string>>> rows;
  std::string text = ReadFile(p);
  std::vector<std::optional<std::string>> row;
  std::string field;
  bool quoted = false, in_quotes = false;
  auto end_field = [&] {
    if (quoted || !field.empty()) {
      row.emplace_back(field);
    } else {
      row.emplace_back(std::nullopt);
    }
    field.clear();
    quoted = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      in_quotes = quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n') {
      end_field();
      rows.push_back(std::move(row));
      row.clear();
    } else if (c != '\r') {
      field.push_back(c);
    }
  }
  if (!row.empty() || !field.empty()) {
    end_field();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<size_t> HeaderOffsets(const std::string& file) {
  std::vector<size_t> out;
  for (size_t i = 0; i + 3 <= file.size(); ++i) {
    if (static_cast<uint8_t>(file[i]) == 0x80 && file[i + 1] == 0x01 && file[i + 2] == 0x04) out.push_back(i);
  }
  return out;
}

template <typename T>
std::vector<std::vector<T>> IntStreams(const std::string& file) {
  std::vector<std::vector<T>> streams;
  for (size_t off : HeaderOffsets(file)) {
    auto got = DecodeDelta<T>(reinterpret_cast<const uint8_t*>(file.data()) + off, file.size() - off, 77);
    if (got.ok()) streams.push_back(std::move(*got));
  }
  return streams;
}

std::vector<std::vector<std::string>> StringStreams(const std::string& file) {
  std::vector<std::vector<std::string>> streams;
  for (size_t off : HeaderOffsets(file)) {
    ByteBuffer rest;
    rest.Append(file.data() + off, file.size() - off);
    auto got = DecodeStrings<DeltaByteArrayDecoder>(rest, 100, false);
    if (got.ok()) streams.push_back(std::move(*got));
  }
  return streams;
}

template <typename T>
std::vector<T> ParseInts(const std::vector<std::optional<std::string>>& column) {
  std::vector<T> out;
  for (const auto& v : column) {
    if (v) out.push_back(static_cast<T>(std::stoll(*v)));
  }
  return out;
}

std::vector<std::string> NonNull(const std::vector<std::optional<std::string>>& column) {
  std::vector<std::string> out;
  for (const auto& v : column) {
    if (v) out.push_back(*v);
  }
  return out;
}

struct Table {
  std::vector<std::string> names;
  std::vector<std::vector<std::optional<std::string>>> columns;
};

Table LoadExpected(const std::filesystem::path& csv) {
  auto rows = ReadCsv(csv);
  Table t;
  if (rows.empty()) return t;
  for (auto& n : rows[0]) t.names.push_back(n.value_or(""));
  t.columns.resize(t.names.size());
  for (size_t r = 1; r < rows.size(); ++r) {
    for (size_t c = 0; c < t.names.size() && c < rows[r].size(); ++c) t.columns[c].push_back(rows[r][c]);
  }
  return t;
}

TEST(DeltaParquetTesting, DeltaBinaryPackedFile) {
  auto dir = TestDataDir();
  if (!dir) GTEST_SKIP() << "*** SNAPLAKE_TESTDATA/parquet-testing/data not found: skipping file checks ***";
  std::string file = ReadFile(*dir / "delta_binary_packed.parquet");
  Table t = LoadExpected(*dir / "delta_binary_packed_expect.csv");
  ASSERT_EQ(t.names.size(), 66u);
  auto streams64 = IntStreams<int64_t>(file);
  auto streams32 = IntStreams<int32_t>(file);
  for (size_t c = 0; c < t.names.size(); ++c) {
    ASSERT_EQ(t.columns[c].size(), 200u);
    if (t.names[c] == "int_value") {
      auto expect = ParseInts<int32_t>(t.columns[c]);
      EXPECT_TRUE(std::find(streams32.begin(), streams32.end(), expect) != streams32.end()) << t.names[c];
    } else {
      auto expect = ParseInts<int64_t>(t.columns[c]);
      EXPECT_TRUE(std::find(streams64.begin(), streams64.end(), expect) != streams64.end()) << t.names[c];
    }
  }
}

TEST(DeltaParquetTesting, RequiredAndOptionalColumnFiles) {
  auto dir = TestDataDir();
  if (!dir) GTEST_SKIP() << "*** SNAPLAKE_TESTDATA/parquet-testing/data not found: skipping file checks ***";
  for (const char* name : {"delta_encoding_required_column", "delta_encoding_optional_column"}) {
    SCOPED_TRACE(name);
    std::string file = ReadFile(*dir / (std::string(name) + ".parquet"));
    Table t = LoadExpected(*dir / (std::string(name) + "_expect.csv"));
    ASSERT_EQ(t.names.size(), 17u);
    auto ints = IntStreams<int32_t>(file);
    auto strings = StringStreams(file);
    for (size_t c = 0; c < t.names.size(); ++c) {
      if (c < 9) {  // the INT32 columns come first
        auto expect = ParseInts<int32_t>(t.columns[c]);
        EXPECT_TRUE(std::find(ints.begin(), ints.end(), expect) != ints.end()) << t.names[c];
      } else {
        auto expect = NonNull(t.columns[c]);
        EXPECT_TRUE(std::find(strings.begin(), strings.end(), expect) != strings.end()) << t.names[c];
      }
    }
  }
}

TEST(DeltaParquetTesting, DeltaByteArrayFile) {
  auto dir = TestDataDir();
  if (!dir) GTEST_SKIP() << "*** SNAPLAKE_TESTDATA/parquet-testing/data not found: skipping file checks ***";
  std::string file = ReadFile(*dir / "delta_byte_array.parquet");
  Table t = LoadExpected(*dir / "delta_byte_array_expect.csv");
  ASSERT_EQ(t.names.size(), 9u);
  auto strings = StringStreams(file);
  for (size_t c = 0; c < t.names.size(); ++c) {
    ASSERT_EQ(t.columns[c].size(), 1000u);
    auto expect = NonNull(t.columns[c]);
    EXPECT_TRUE(std::find(strings.begin(), strings.end(), expect) != strings.end())
        << t.names[c] << " (" << expect.size() << " non-null values)";
  }
}

}  // namespace
}  // namespace snaplake::parquet
