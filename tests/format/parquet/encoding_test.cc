// Tests for the bit helpers, the bit-packing kernels, the RLE/bit-packed
// hybrid and BYTE_STREAM_SPLIT. Delta encodings: encoding_delta_test.cc.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "common/buffer.h"
#include "format/parquet/encoding/bit_pack.h"
#include "format/parquet/encoding/bit_util.h"
#include "format/parquet/encoding/byte_stream_split.h"
#include "format/parquet/encoding/rle_bit_packed.h"

namespace snaplake::parquet {
namespace {

std::vector<uint8_t> Bytes(const ByteBuffer& b) { return std::vector<uint8_t>(b.data(), b.data() + b.size()); }

uint64_t MaskOf(int width) { return width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1; }

// Reference LSB-first bit writer, deliberately naive: the kernels must agree with it.
std::vector<uint8_t> NaivePack(const std::vector<uint64_t>& values, int width) {
  std::vector<uint8_t> out((values.size() * width + 7) / 8, 0);
  size_t bit = 0;
  for (uint64_t v : values) {
    for (int b = 0; b < width; ++b, ++bit) {
      if ((v >> b) & 1) out[bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
    }
  }
  return out;
}

// ------------------------------------------------------------------ bit_util

TEST(BitWidthFor, MatchesDefinition) {
  EXPECT_EQ(BitWidthFor(0), 0);
  EXPECT_EQ(BitWidthFor(1), 1);
  EXPECT_EQ(BitWidthFor(2), 2);
  EXPECT_EQ(BitWidthFor(3), 2);
  EXPECT_EQ(BitWidthFor(4), 3);
  EXPECT_EQ(BitWidthFor(7), 3);
  EXPECT_EQ(BitWidthFor(8), 4);
  EXPECT_EQ(BitWidthFor(255), 8);
  EXPECT_EQ(BitWidthFor(256), 9);
  EXPECT_EQ(BitWidthFor(0xFFFFFFFFu), 32);
  EXPECT_EQ(BitWidthFor(uint64_t{1} << 32), 33);
  EXPECT_EQ(BitWidthFor(~uint64_t{0}), 64);
  for (int w = 1; w < 64; ++w) {
    EXPECT_EQ(BitWidthFor(uint64_t{1} << w), w + 1);
    EXPECT_EQ(BitWidthFor((uint64_t{1} << w) - 1), w);
  }
}

TEST(PlainBooleans, KnownBytes) {
  const uint8_t bools[] = {1, 0, 1, 1, 0, 0, 0, 0, 1, 1};
  ByteBuffer out;
  PackBooleans(bools, 10, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x0D, 0x03}));
}

TEST(PlainBooleans, EveryByteValueRoundTrips) {
  // Exhaustive over all 256 patterns of 8 bools, which is what the multiply
  // trick in PackBooleans must get right.
  for (int pattern = 0; pattern < 256; ++pattern) {
    uint8_t bools[8];
    for (int i = 0; i < 8; ++i) bools[i] = (pattern >> i) & 1;
    ByteBuffer out;
    PackBooleans(bools, 8, &out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out.data()[0], pattern);
    uint8_t back[8];
    ASSERT_TRUE(UnpackBooleans(out.view(), 8, back).ok());
    EXPECT_EQ(std::memcmp(back, bools, 8), 0) << pattern;
  }
}

TEST(PlainBooleans, RandomSizesRoundTripAndAppend) {
  std::mt19937 rng(7);
  for (int64_t n : {0, 1, 7, 8, 9, 63, 64, 65, 1000, 100003}) {
    std::vector<uint8_t> bools(static_cast<size_t>(n));
    for (auto& b : bools) b = rng() & 1;
    ByteBuffer out;
    out.PushBack(0xAB);  // PackBooleans appends
    PackBooleans(bools.data(), n, &out);
    ASSERT_EQ(out.size(), 1 + static_cast<size_t>((n + 7) / 8));
    EXPECT_EQ(out.data()[0], 0xAB);
    if (n % 8 != 0) {
      EXPECT_EQ(out.data()[out.size() - 1] >> (n % 8), 0) << "padding bits must be zero";
    }
    std::vector<uint8_t> back(static_cast<size_t>(n) + 1, 0xEE);
    ASSERT_TRUE(UnpackBooleans(out.view().subspan(1), n, back.data()).ok());
    EXPECT_TRUE(std::equal(bools.begin(), bools.end(), back.begin())) << n;
    EXPECT_EQ(back[static_cast<size_t>(n)], 0xEE) << "wrote past n";
  }
}

TEST(PlainBooleans, TruncatedInputIsCorruption) {
  const uint8_t data[2] = {0xFF, 0xFF};
  uint8_t out[17];
  EXPECT_TRUE(UnpackBooleans(ByteView(data, 2), 16, out).ok());
  Status st = UnpackBooleans(ByteView(data, 2), 17, out);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(UnpackBooleans(ByteView(data, 0), 1, out).code(), StatusCode::kCorruption);
  EXPECT_TRUE(UnpackBooleans(ByteView(data, 0), 0, out).ok());
}

// ------------------------------------------------------------------ kernels

TEST(BitPackKernels, Pack32MatchesNaiveLayoutForEveryWidth) {
  std::mt19937_64 rng(1);
  for (int w = 0; w <= 32; ++w) {
    uint32_t in[32];
    std::vector<uint64_t> ref;
    for (auto& v : in) {
      v = static_cast<uint32_t>(rng() & MaskOf(w));
      ref.push_back(v);
    }
    uint8_t packed[128];
    std::memset(packed, 0xCC, sizeof(packed));
    Pack32(in, w, packed);
    std::vector<uint8_t> expect = NaivePack(ref, w);
    ASSERT_EQ(expect.size(), static_cast<size_t>(4 * w));
    EXPECT_TRUE(std::equal(expect.begin(), expect.end(), packed)) << "width " << w;
    if (w < 32) {
      EXPECT_EQ(packed[4 * w], 0xCC) << "Pack32 wrote past 4*w bytes at width " << w;
    }
    uint32_t out[32];
    Unpack32(packed, w, out);
    EXPECT_EQ(std::memcmp(in, out, sizeof(in)), 0) << "width " << w;
  }
}

TEST(BitPackKernels, Pack64MatchesNaiveLayoutForEveryWidth) {
  std::mt19937_64 rng(2);
  for (int w = 0; w <= 64; ++w) {
    uint64_t in[32];
    std::vector<uint64_t> ref;
    for (auto& v : in) {
      v = rng() & MaskOf(w);
      ref.push_back(v);
    }
    uint8_t packed[256];
    Pack32x64(in, w, packed);
    std::vector<uint8_t> expect = NaivePack(ref, w);
    EXPECT_TRUE(std::equal(expect.begin(), expect.end(), packed)) << "width " << w;
    uint64_t out[32];
    Unpack32x64(packed, w, out);
    EXPECT_EQ(std::memcmp(in, out, sizeof(in)), 0) << "width " << w;
  }
}

TEST(BitPackKernels, PackersDropBitsAboveTheWidth) {
  uint32_t in[32];
  for (auto& v : in) v = 0xFFFFFFFFu;
  uint8_t packed[128] = {};
  Pack32(in, 3, packed);
  uint32_t out[32];
  Unpack32(packed, 3, out);
  for (uint32_t v : out) EXPECT_EQ(v, 7u);
}

TEST(BitPackKernels, PartialUnpackReadsOnlyWhatItIsGiven) {
  uint32_t in[32];
  for (int i = 0; i < 32; ++i) in[i] = static_cast<uint32_t>(i);
  uint8_t packed[20];
  Pack32(in, 5, packed);
  // Only the bytes of the first 9 values (45 bits -> 6 bytes) are passed.
  std::vector<uint8_t> exact(packed, packed + 6);
  uint32_t out[32];
  Unpack32Partial(exact.data(), exact.size(), 5, out);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(out[i], static_cast<uint32_t>(i));
  uint64_t out64[32];
  Unpack32x64Partial(exact.data(), exact.size(), 5, out64);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(out64[i], static_cast<uint64_t>(i));
}

// ------------------------------------------------------------------ RLE hybrid

enum class Pattern { kRandom, kConstant, kAlternating, kRunHeavy };

std::vector<uint32_t> MakeValues(Pattern pattern, int width, int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const uint64_t mask = MaskOf(width);
  std::vector<uint32_t> v(static_cast<size_t>(n));
  switch (pattern) {
    case Pattern::kRandom:
      for (auto& x : v) x = static_cast<uint32_t>(rng() & mask);
      break;
    case Pattern::kConstant: {
      uint32_t c = static_cast<uint32_t>(mask);  // the widest value: exercises every value byte
      for (auto& x : v) x = c;
      break;
    }
    case Pattern::kAlternating:
      for (size_t i = 0; i < v.size(); ++i) v[i] = (i % 2) ? static_cast<uint32_t>(mask) : 0;
      break;
    case Pattern::kRunHeavy: {
      // Runs of 1..40 (so both sides of the 8-repeat threshold), some very long.
      size_t i = 0;
      while (i < v.size()) {
        uint32_t x = static_cast<uint32_t>(rng() & mask);
        size_t len = (rng() % 10 == 0) ? 1 + rng() % 5000 : 1 + rng() % 40;
        for (size_t j = 0; j < len && i < v.size(); ++j) v[i++] = x;
      }
      break;
    }
  }
  return v;
}

const char* PatternName(Pattern p) {
  switch (p) {
    case Pattern::kRandom: return "random";
    case Pattern::kConstant: return "constant";
    case Pattern::kAlternating: return "alternating";
    case Pattern::kRunHeavy: return "run-heavy";
  }
  return "?";
}

ByteBuffer EncodeRle(const std::vector<uint32_t>& values, int width) {
  RleBitPackedEncoder enc(width);
  for (uint32_t v : values) enc.Put(v);
  EXPECT_EQ(enc.num_values(), static_cast<int64_t>(values.size()));
  ByteBuffer out;
  size_t estimate = enc.EstimatedSize();
  enc.FinishInto(&out);
  EXPECT_LE(out.size(), RleBitPackedEncoder::MaxEncodedSize(width, static_cast<int64_t>(values.size())));
  // Exact but for varint header sizes: an RLE run header is assumed to take 5 bytes.
  EXPECT_LE(out.size(), estimate);
  EXPECT_LE(estimate, out.size() + 4 * (1 + values.size() / 8));
  EXPECT_EQ(enc.num_values(), 0);
  return out;
}

TEST(RleBitPacked, RoundTripsEveryWidthPatternAndSize) {
  const int64_t sizes[] = {0, 1, 7, 8, 9, 1000, 100003};
  const Pattern patterns[] = {Pattern::kRandom, Pattern::kConstant, Pattern::kAlternating, Pattern::kRunHeavy};
  for (int width = 0; width <= 32; ++width) {
    for (Pattern pattern : patterns) {
      for (int64_t n : sizes) {
        SCOPED_TRACE(std::string("width ") + std::to_string(width) + " " + PatternName(pattern) + " n=" +
                     std::to_string(n));
        std::vector<uint32_t> values = MakeValues(pattern, width, n, static_cast<uint64_t>(width * 1000 + n));
        ByteBuffer encoded = EncodeRle(values, width);
        if (n == 0) {
          EXPECT_EQ(encoded.size(), 0u);
        }

        // One big batch.
        RleBitPackedDecoder dec(encoded.data(), encoded.size(), width);
        std::vector<uint32_t> out(static_cast<size_t>(n) + 8, 0xDEADBEEF);
        Result<int64_t> got = dec.GetBatch(out.data(), n);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        ASSERT_EQ(*got, n);
        ASSERT_TRUE(std::equal(values.begin(), values.end(), out.begin()));
        // Past the end there is at most the zero padding of the last group.
        Result<int64_t> extra = dec.GetBatch(out.data(), 100);
        ASSERT_TRUE(extra.ok());
        EXPECT_LT(*extra, 8);

        // Odd batch sizes, to cross run and chunk boundaries.
        if (n <= 1000) {
          RleBitPackedDecoder dec2(encoded.data(), encoded.size(), width);
          std::vector<uint32_t> out2;
          const int64_t steps[] = {1, 3, 31, 32, 33, 7, 100};
          int64_t pos = 0;
          for (int s = 0; pos < n; ++s) {
            int64_t k = std::min(steps[s % 7], n - pos);
            std::vector<uint32_t> part(static_cast<size_t>(k));
            Result<int64_t> r = dec2.GetBatch(part.data(), k);
            ASSERT_TRUE(r.ok());
            ASSERT_EQ(*r, k);
            out2.insert(out2.end(), part.begin(), part.end());
            pos += k;
          }
          EXPECT_EQ(out2, values);
        }

        // Levels read back as int16.
        if (width <= 15) {
          RleBitPackedDecoder dec3(encoded.data(), encoded.size(), width);
          std::vector<int16_t> levels(static_cast<size_t>(n));
          Result<int64_t> r = dec3.GetBatch(levels.data(), n);
          ASSERT_TRUE(r.ok());
          ASSERT_EQ(*r, n);
          for (int64_t i = 0; i < n; ++i) ASSERT_EQ(static_cast<uint32_t>(levels[i]), values[i]) << i;
        }
      }
    }
  }
}

TEST(RleBitPacked, SpecExampleBitPackedRun) {
  // Encodings.md: 0..7 at bit width 3 pack to 10001000 11000110 11111010.
  const std::vector<uint32_t> values = {0, 1, 2, 3, 4, 5, 6, 7};
  ByteBuffer encoded = EncodeRle(values, 3);
  // Header: one group of 8, bit-packed: (1 << 1) | 1.
  EXPECT_EQ(Bytes(encoded), (std::vector<uint8_t>{0x03, 0x88, 0xC6, 0xFA}));
  const uint8_t data[] = {0x03, 0x88, 0xC6, 0xFA};
  RleBitPackedDecoder dec(data, sizeof(data), 3);
  uint32_t out[8];
  Result<int64_t> got = dec.GetBatch(out, 8);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(*got, 8);
  EXPECT_EQ(std::vector<uint32_t>(out, out + 8), values);
}

TEST(RleBitPacked, KnownRleRuns) {
  {
    // 8 copies of 5 at width 3: header 8 << 1, one value byte.
    const uint8_t data[] = {0x10, 0x05};
    RleBitPackedDecoder dec(data, sizeof(data), 3);
    uint32_t out[10];
    Result<int64_t> got = dec.GetBatch(out, 10);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(*got, 8);
    for (int i = 0; i < 8; ++i) EXPECT_EQ(out[i], 5u);
  }
  {
    // 300 copies of 0x1234 at width 13: header varint(600) = 0xD8 0x04, value in 2 bytes LE.
    const uint8_t data[] = {0xD8, 0x04, 0x34, 0x12};
    RleBitPackedDecoder dec(data, sizeof(data), 13);
    std::vector<int16_t> out(300);
    Result<int64_t> got = dec.GetBatch(out.data(), 300);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(*got, 300);
    for (int16_t v : out) EXPECT_EQ(v, 0x1234);
  }
  {
    // An RLE run, then a bit-packed run of 8 ones at width 1.
    const uint8_t data[] = {0x06, 0x00, 0x03, 0xFF};
    RleBitPackedDecoder dec(data, sizeof(data), 1);
    uint32_t out[11];
    Result<int64_t> got = dec.GetBatch(out, 11);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(*got, 11);
    EXPECT_EQ(std::vector<uint32_t>(out, out + 11), (std::vector<uint32_t>{0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}));
  }
}

TEST(RleBitPacked, EncoderUsesRleRunsForEightOrMoreRepeats) {
  // 1, 2, 3 then 100 sevens at width 3: the run tops up the first group of 8
  // (5 sevens) and the remaining 95 become one RLE run.
  std::vector<uint32_t> values = {1, 2, 3};
  values.insert(values.end(), 100, 7);
  ByteBuffer encoded = EncodeRle(values, 3);
  // Group {1, 2, 3, 7, 7, 7, 7, 7} packs to D1 FE FF; then varint(95 << 1), value.
  EXPECT_EQ(NaivePack({1, 2, 3, 7, 7, 7, 7, 7}, 3), (std::vector<uint8_t>{0xD1, 0xFE, 0xFF}));
  EXPECT_EQ(Bytes(encoded), (std::vector<uint8_t>{0x03, 0xD1, 0xFE, 0xFF, 0xBE, 0x01, 0x07}));

  // Seven repeats stay bit-packed; eight become a run.
  std::vector<uint32_t> seven(7, 1);
  EXPECT_EQ(Bytes(EncodeRle(seven, 1)), (std::vector<uint8_t>{0x03, 0x7F}));
  std::vector<uint32_t> eight(8, 1);
  EXPECT_EQ(Bytes(EncodeRle(eight, 1)), (std::vector<uint8_t>{0x10, 0x01}));
  // All-valid definition levels of a huge page cost a few bytes.
  RleBitPackedEncoder enc(1);
  enc.PutRepeated(1, 1000000);
  ByteBuffer out;
  enc.FinishInto(&out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0x80, 0x89, 0x7A, 0x01}));  // varint(2000000), 1
}

TEST(RleBitPacked, LiteralRunsAreSplitAt63Groups) {
  // 1000 distinct-ish values -> bit-packed runs of at most 504 values, each
  // with a one-byte header.
  std::vector<uint32_t> values(1000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<uint32_t>(i % 2);
  ByteBuffer encoded = EncodeRle(values, 1);
  // 504 + 496 values: headers 0x7F (63 groups) and 0x7D (62 groups).
  ASSERT_EQ(encoded.size(), 1 + 63 + 1 + 62u);
  EXPECT_EQ(encoded.data()[0], 0x7F);
  EXPECT_EQ(encoded.data()[64], 0x7D);
}

TEST(RleBitPacked, PutRepeatedMatchesPutLoop) {
  std::mt19937 rng(3);
  for (int width : {0, 1, 3, 8, 17, 32}) {
    RleBitPackedEncoder a(width), b(width);
    for (int i = 0; i < 200; ++i) {
      uint32_t v = static_cast<uint32_t>(rng() & MaskOf(width));
      int64_t count = rng() % 3 == 0 ? rng() % 300 : rng() % 5;
      a.PutRepeated(v, count);
      for (int64_t j = 0; j < count; ++j) b.Put(v);
    }
    EXPECT_EQ(a.num_values(), b.num_values());
    ByteBuffer ea, eb;
    a.FinishInto(&ea);
    b.FinishInto(&eb);
    EXPECT_EQ(Bytes(ea), Bytes(eb)) << "width " << width;
  }
}

TEST(RleBitPacked, PutBatchMatchesPut) {
  for (Pattern pattern : {Pattern::kRandom, Pattern::kRunHeavy, Pattern::kAlternating, Pattern::kConstant}) {
    for (int width : {1, 2, 8, 20}) {
      std::vector<uint32_t> values = MakeValues(pattern, width, 20000, 31);
      RleBitPackedEncoder one(width), batch(width);
      for (uint32_t v : values) one.Put(v);
      // Uneven batches, interleaved with single Puts and PutRepeated.
      size_t pos = 0;
      for (size_t step = 1; pos < values.size(); step = step * 3 % 1001 + 1) {
        size_t k = std::min(step, values.size() - pos);
        batch.PutBatch(values.data() + pos, static_cast<int64_t>(k));
        pos += k;
        if (pos < values.size()) batch.Put(values[pos++]);
      }
      EXPECT_EQ(one.num_values(), batch.num_values());
      EXPECT_EQ(one.EstimatedSize(), batch.EstimatedSize());
      ByteBuffer a, b;
      one.FinishInto(&a);
      batch.FinishInto(&b);
      EXPECT_EQ(Bytes(a), Bytes(b)) << PatternName(pattern) << " width " << width;
    }
  }
}

TEST(RleBitPacked, EncoderIsReusableAfterFinishAndReset) {
  std::vector<uint32_t> values = MakeValues(Pattern::kRunHeavy, 5, 3000, 11);
  RleBitPackedEncoder enc(5);
  ByteBuffer first, second;
  for (uint32_t v : values) enc.Put(v);
  enc.FinishInto(&first);
  for (uint32_t v : values) enc.Put(v);
  enc.FinishInto(&second);
  EXPECT_EQ(Bytes(first), Bytes(second));

  enc.Put(1);
  enc.Reset(2);  // drops the pending value
  EXPECT_EQ(enc.num_values(), 0);
  EXPECT_EQ(enc.bit_width(), 2);
  enc.Put(3);
  ByteBuffer third;
  enc.FinishInto(&third);
  EXPECT_EQ(Bytes(third), (std::vector<uint8_t>{0x03, 0x03, 0x00}));
}

TEST(RleBitPacked, RunsLongerThanTheSpecLimitAreSplit) {
  const int64_t kMax = (int64_t{1} << 31) - 1;
  RleBitPackedEncoder enc(1);
  enc.PutRepeated(1, kMax + 10);
  ByteBuffer out;
  enc.FinishInto(&out);
  // varint(kMax << 1) = FE FF FF FF 0F, value 01; then varint(20) = 14, value 01.
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x01, 0x14, 0x01}));
}

TEST(RleBitPacked, BadBitWidthIsCorruption) {
  const uint8_t data[] = {0x10, 0x01};
  uint32_t out[8];
  for (int width : {-1, 33, 64}) {
    RleBitPackedDecoder dec(data, sizeof(data), width);
    Result<int64_t> got = dec.GetBatch(out, 8);
    EXPECT_EQ(got.status().code(), StatusCode::kCorruption) << width;
  }
}

TEST(RleBitPacked, MalformedInputIsCorruption) {
  uint32_t out[64];
  {
    const uint8_t data[] = {0x80};  // varint never ends
    RleBitPackedDecoder dec(data, sizeof(data), 1);
    EXPECT_EQ(dec.GetBatch(out, 1).status().code(), StatusCode::kCorruption);
  }
  {
    const uint8_t data[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};  // header wider than 32 bits
    RleBitPackedDecoder dec(data, sizeof(data), 1);
    EXPECT_EQ(dec.GetBatch(out, 1).status().code(), StatusCode::kCorruption);
  }
  {
    const uint8_t data[] = {0x10, 0x34};  // RLE run at width 9 needs 2 value bytes
    RleBitPackedDecoder dec(data, sizeof(data), 9);
    EXPECT_EQ(dec.GetBatch(out, 8).status().code(), StatusCode::kCorruption);
  }
  {
    const uint8_t data[] = {0x10, 0x08};  // 8 does not fit in 3 bits
    RleBitPackedDecoder dec(data, sizeof(data), 3);
    EXPECT_EQ(dec.GetBatch(out, 8).status().code(), StatusCode::kCorruption);
  }
  {
    // An error sticks: later calls fail too.
    const uint8_t data[] = {0x10, 0x01, 0x80};
    RleBitPackedDecoder dec(data, sizeof(data), 1);
    EXPECT_EQ(dec.GetBatch(out, 20).status().code(), StatusCode::kCorruption);
    EXPECT_FALSE(dec.GetBatch(out, 1).ok());
  }
}

TEST(RleBitPacked, TruncatedDataYieldsFewerValues) {
  std::vector<uint32_t> values = MakeValues(Pattern::kRandom, 7, 1000, 5);
  ByteBuffer encoded = EncodeRle(values, 7);
  std::vector<uint32_t> out(1000);
  for (size_t len = 0; len < encoded.size(); len += 13) {
    RleBitPackedDecoder dec(encoded.data(), len, 7);
    Result<int64_t> got = dec.GetBatch(out.data(), 1000);
    if (!got.ok()) {
      EXPECT_EQ(got.status().code(), StatusCode::kCorruption);
      continue;
    }
    EXPECT_LT(*got, 1000) << "len " << len;
    // What was decoded is a prefix of the truth.
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + *got, values.begin())) << "len " << len;
  }
}

TEST(RleBitPacked, HugeClaimedRunsAllocateNothingAndStopAtData) {
  // A bit-packed header claiming 2^28 groups with 3 bytes of data at width 8.
  const uint8_t data[] = {0x81, 0x80, 0x80, 0x80, 0x02, 0x01, 0x02, 0x03};
  RleBitPackedDecoder dec(data, sizeof(data), 8);
  uint32_t out[16];
  Result<int64_t> got = dec.GetBatch(out, 16);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(*got, 3);
  EXPECT_EQ(out[0], 1u);
  EXPECT_EQ(out[2], 3u);
  // At width 0 such a run is legitimately that long; only n values come out.
  RleBitPackedDecoder zero(data, 5, 0);
  got = zero.GetBatch(out, 16);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, 16);
}

TEST(RleBitPacked, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(99);
  std::vector<uint32_t> out(300);
  std::vector<int16_t> levels(300);
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<uint8_t> data(rng() % 40);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
    int width = static_cast<int>(rng() % 34);
    RleBitPackedDecoder dec(data.data(), data.size(), width);
    Result<int64_t> got = dec.GetBatch(out.data(), 300);
    if (got.ok()) {
      EXPECT_LE(*got, 300);
    }
    RleBitPackedDecoder dec2(data.data(), data.size(), width % 17);
    Result<int64_t> got2 = dec2.GetBatch(levels.data(), 300);
    if (got2.ok()) {
      EXPECT_LE(*got2, 300);
    }
  }
}

TEST(RleBitPacked, DefaultDecoderIsEmpty) {
  RleBitPackedDecoder dec;
  uint32_t out[4];
  Result<int64_t> got = dec.GetBatch(out, 4);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, 0);
}

// ------------------------------------------------------------------ BYTE_STREAM_SPLIT

TEST(ByteStreamSplit, SpecExample) {
  const uint8_t values[] = {0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11, 0x22, 0x33, 0xA3, 0xB4, 0xC5, 0xD6};
  ByteBuffer out;
  ByteStreamSplitEncode(values, 4, 3, &out);
  EXPECT_EQ(Bytes(out), (std::vector<uint8_t>{0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4, 0xCC, 0x22, 0xC5, 0xDD, 0x33,
                                              0xD6}));
  uint8_t back[12];
  ASSERT_TRUE(ByteStreamSplitDecode(out.view(), 4, 3, back).ok());
  EXPECT_EQ(std::memcmp(back, values, 12), 0);
}

TEST(ByteStreamSplit, RoundTripsManyWidths) {
  std::mt19937 rng(4);
  for (int width : {1, 2, 3, 4, 5, 8, 12, 16, 33}) {
    for (int64_t n : {0, 1, 7, 8, 9, 1000}) {
      std::vector<uint8_t> values(static_cast<size_t>(width * n));
      for (auto& b : values) b = static_cast<uint8_t>(rng());
      ByteBuffer out;
      ByteStreamSplitEncode(values.data(), width, n, &out);
      ASSERT_EQ(out.size(), values.size());
      // Stream k, position i holds byte k of value i.
      for (int64_t i = 0; i < n; i += 97) {
        for (int k = 0; k < width; ++k) {
          ASSERT_EQ(out.data()[k * n + i], values[static_cast<size_t>(i * width + k)]);
        }
      }
      std::vector<uint8_t> back(values.size() + 1, 0x5A);
      ASSERT_TRUE(ByteStreamSplitDecode(out.view(), width, n, back.data()).ok());
      EXPECT_TRUE(std::equal(values.begin(), values.end(), back.begin())) << width << " " << n;
      EXPECT_EQ(back.back(), 0x5A);
    }
  }
}

TEST(ByteStreamSplit, DecodesAPrefixOfLongerStreams) {
  // 5 doubles in the page, the caller wants the first 3.
  std::vector<double> values = {1.5, -2.25, 3e100, 0.0, -7.0};
  ByteBuffer out;
  ByteStreamSplitEncode(reinterpret_cast<const uint8_t*>(values.data()), 8, 5, &out);
  double back[3];
  ASSERT_TRUE(ByteStreamSplitDecode(out.view(), 8, 3, reinterpret_cast<uint8_t*>(back)).ok());
  EXPECT_EQ(back[0], 1.5);
  EXPECT_EQ(back[1], -2.25);
  EXPECT_EQ(back[2], 3e100);
}

TEST(ByteStreamSplit, BadInputIsCorruption) {
  const uint8_t data[10] = {};
  uint8_t out[16];
  EXPECT_EQ(ByteStreamSplitDecode(ByteView(data, 10), 4, 2, out).code(), StatusCode::kCorruption);  // 10 % 4
  EXPECT_EQ(ByteStreamSplitDecode(ByteView(data, 8), 4, 3, out).code(), StatusCode::kCorruption);   // 2 < 3
  EXPECT_EQ(ByteStreamSplitDecode(ByteView(data, 8), 0, 1, out).code(), StatusCode::kCorruption);
  EXPECT_TRUE(ByteStreamSplitDecode(ByteView(data, 0), 4, 0, out).ok());
}

}  // namespace
}  // namespace snaplake::parquet
