#include "format/compression/codec.h"

#include <gtest/gtest.h>
#include <libdeflate.h>
#include <lz4.h>
#include <brotli/encode.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace snaplake {

// gtest prints parameters with this (found by ADL, so not in the unnamed namespace).
void PrintTo(CompressionCodec codec, std::ostream* os) { *os << CompressionName(codec); }

namespace {

using Bytes = std::vector<uint8_t>;

constexpr CompressionCodec kAllCodecs[] = {
    CompressionCodec::kUncompressed, CompressionCodec::kSnappy, CompressionCodec::kGzip,
    CompressionCodec::kBrotli,       CompressionCodec::kLz4,    CompressionCodec::kZstd,
    CompressionCodec::kLz4Raw,
};

Bytes RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes b(n);
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng();
    for (size_t j = 0; j < 8 && i + j < n; ++j) b[i + j] = static_cast<uint8_t>(v >> (8 * j));
  }
  return b;
}

// Looks like a plain-encoded page: slowly increasing int64s and repeated words.
Bytes CompressibleBytes(size_t n) {
  Bytes b;
  b.reserve(n);
  static const char* kWords[] = {"alpha", "beta", "gamma", "delta", "epsilon"};
  for (uint64_t i = 0; b.size() < n; ++i) {
    uint64_t v = 1'000'000 + i * 3;
    for (int j = 0; j < 8; ++j) b.push_back(static_cast<uint8_t>(v >> (8 * j)));
    for (const char* c = kWords[i % 5]; *c != '\0'; ++c) b.push_back(static_cast<uint8_t>(*c));
  }
  b.resize(n);
  return b;
}

// Long runs of one short record with a counter now and then: every codec
// should shrink this by far.
Bytes HighlyCompressibleBytes(size_t n) {
  Bytes b;
  b.reserve(n);
  const std::string record = "snaplake,2024-01-01,OK,";
  for (uint64_t i = 0; b.size() < n; ++i) {
    b.insert(b.end(), record.begin(), record.end());
    if (i % 50 == 0) {
      const std::string counter = std::to_string(i);
      b.insert(b.end(), counter.begin(), counter.end());
    }
  }
  b.resize(n);
  return b;
}

ByteView View(const Bytes& b) { return ByteView(b.data(), b.size()); }

std::unique_ptr<Codec> Make(CompressionCodec kind, int level = kDefaultCompressionLevel) {
  auto codec = MakeCodec(kind, level);
  EXPECT_TRUE(codec.ok()) << codec.status().ToString();
  return codec.ok() ? std::move(codec).value() : nullptr;
}

Bytes CompressToBytes(Codec* codec, const Bytes& input) {
  ByteBuffer out;
  Status st = codec->Compress(View(input), &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return Bytes(out.data(), out.data() + out.size());
}

Status DecompressTo(Codec* codec, const Bytes& compressed, size_t output_len, Bytes* output) {
  output->assign(output_len, 0);
  return codec->Decompress(View(compressed), output->data(), output_len);
}

// ---------------------------------------------------------------------------
// Names

TEST(CompressionNames, NameOfEachCodec) {
  EXPECT_STREQ(CompressionName(CompressionCodec::kUncompressed), "UNCOMPRESSED");
  EXPECT_STREQ(CompressionName(CompressionCodec::kSnappy), "SNAPPY");
  EXPECT_STREQ(CompressionName(CompressionCodec::kGzip), "GZIP");
  EXPECT_STREQ(CompressionName(CompressionCodec::kLzo), "LZO");
  EXPECT_STREQ(CompressionName(CompressionCodec::kBrotli), "BROTLI");
  EXPECT_STREQ(CompressionName(CompressionCodec::kLz4), "LZ4");
  EXPECT_STREQ(CompressionName(CompressionCodec::kZstd), "ZSTD");
  EXPECT_STREQ(CompressionName(CompressionCodec::kLz4Raw), "LZ4_RAW");
  EXPECT_STREQ(CompressionName(static_cast<CompressionCodec>(99)), "UNKNOWN");
  // The thrift values, which land in files.
  EXPECT_EQ(static_cast<int32_t>(CompressionCodec::kZstd), 6);
  EXPECT_EQ(static_cast<int32_t>(CompressionCodec::kLz4Raw), 7);
}

TEST(CompressionNames, ParseIsCaseInsensitive) {
  struct Case {
    const char* name;
    CompressionCodec codec;
  };
  const Case cases[] = {
      {"none", CompressionCodec::kUncompressed},   {"NONE", CompressionCodec::kUncompressed},
      {"uncompressed", CompressionCodec::kUncompressed}, {"Uncompressed", CompressionCodec::kUncompressed},
      {"snappy", CompressionCodec::kSnappy},       {"SNAPPY", CompressionCodec::kSnappy},
      {"gzip", CompressionCodec::kGzip},           {"GZip", CompressionCodec::kGzip},
      {"zstd", CompressionCodec::kZstd},           {"ZSTD", CompressionCodec::kZstd},
      {"lz4_raw", CompressionCodec::kLz4Raw},      {"LZ4_RAW", CompressionCodec::kLz4Raw},
      {"lz4", CompressionCodec::kLz4},             {"Lz4", CompressionCodec::kLz4},
      {"brotli", CompressionCodec::kBrotli},       {"BROTLI", CompressionCodec::kBrotli},
  };
  for (const Case& c : cases) {
    auto parsed = ParseCompression(c.name);
    ASSERT_TRUE(parsed.ok()) << c.name << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, c.codec) << c.name;
  }
}

TEST(CompressionNames, ParseRejectsUnknownNamesListingTheAcceptedOnes) {
  for (const char* bad : {"lzo", "zip", "", "lz4raw", "snappy ", "gzip9"}) {
    auto parsed = ParseCompression(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    const std::string& msg = parsed.status().message();
    EXPECT_NE(msg.find(std::string("'") + bad + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("none, uncompressed, snappy, gzip, zstd, lz4_raw, lz4, brotli"), std::string::npos) << msg;
  }
}

// ---------------------------------------------------------------------------
// MakeCodec

TEST(MakeCodec, KindMatchesAndLzoIsNotImplemented) {
  for (CompressionCodec kind : kAllCodecs) {
    auto codec = Make(kind);
    ASSERT_NE(codec, nullptr);
    EXPECT_EQ(codec->kind(), kind);
  }
  auto lzo = MakeCodec(CompressionCodec::kLzo);
  ASSERT_FALSE(lzo.ok());
  EXPECT_EQ(lzo.status().code(), StatusCode::kNotImplemented);
  EXPECT_EQ(lzo.status().message(), "LZO compression is not supported");

  auto future = MakeCodec(static_cast<CompressionCodec>(42));
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.status().code(), StatusCode::kNotImplemented);
  EXPECT_NE(future.status().message().find("42"), std::string::npos);
}

TEST(MakeCodec, LevelsAreCheckedPerCodec) {
  EXPECT_TRUE(MakeCodec(CompressionCodec::kGzip, 1).ok());
  EXPECT_TRUE(MakeCodec(CompressionCodec::kGzip, 12).ok());
  EXPECT_TRUE(MakeCodec(CompressionCodec::kZstd, 19).ok());
  EXPECT_TRUE(MakeCodec(CompressionCodec::kZstd, -5).ok());
  EXPECT_TRUE(MakeCodec(CompressionCodec::kBrotli, 11).ok());

  auto gzip = MakeCodec(CompressionCodec::kGzip, 13);
  ASSERT_FALSE(gzip.ok());
  EXPECT_EQ(gzip.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(gzip.status().message(), "GZIP compression level 13 is out of range; use 0..12");
  EXPECT_FALSE(MakeCodec(CompressionCodec::kZstd, 1000).ok());
  EXPECT_FALSE(MakeCodec(CompressionCodec::kBrotli, 12).ok());

  auto snappy = MakeCodec(CompressionCodec::kSnappy, 3);
  ASSERT_FALSE(snappy.ok());
  EXPECT_EQ(snappy.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(snappy.status().message().find("SNAPPY has no compression level"), std::string::npos);
  EXPECT_FALSE(MakeCodec(CompressionCodec::kLz4Raw, 1).ok());
  EXPECT_FALSE(MakeCodec(CompressionCodec::kUncompressed, 0).ok());
}

TEST(MakeCodec, NonDefaultLevelsRoundTrip) {
  const Bytes input = CompressibleBytes(200'000);
  for (auto [kind, level] : {std::pair{CompressionCodec::kGzip, 1}, std::pair{CompressionCodec::kGzip, 9},
                             std::pair{CompressionCodec::kZstd, 9}, std::pair{CompressionCodec::kZstd, -3},
                             std::pair{CompressionCodec::kBrotli, 5}}) {
    auto codec = Make(kind, level);
    ASSERT_NE(codec, nullptr);
    Bytes compressed = CompressToBytes(codec.get(), input);
    Bytes output;
    ASSERT_TRUE(DecompressTo(codec.get(), compressed, input.size(), &output).ok());
    EXPECT_EQ(output, input) << CompressionName(kind) << " level " << level;
  }
}

// ---------------------------------------------------------------------------
// Behaviour every codec shares

class EachCodec : public testing::TestWithParam<CompressionCodec> {
 protected:
  void SetUp() override {
    codec_ = Make(GetParam());
    ASSERT_NE(codec_, nullptr);
  }
  bool passes_through() const { return GetParam() == CompressionCodec::kUncompressed; }
  std::unique_ptr<Codec> codec_;
};

TEST_P(EachCodec, RoundTripsEmptyOneByteCompressibleAndRandom) {
  const Bytes inputs[] = {Bytes{}, Bytes{0x5a}, HighlyCompressibleBytes(1 << 20), RandomBytes(1 << 20, 7),
                          CompressibleBytes(300'000)};
  for (const Bytes& input : inputs) {
    // One codec for all inputs: its contexts are reused between calls.
    Bytes compressed = CompressToBytes(codec_.get(), input);
    Bytes output;
    Status st = DecompressTo(codec_.get(), compressed, input.size(), &output);
    ASSERT_TRUE(st.ok()) << input.size() << " bytes: " << st.ToString();
    EXPECT_EQ(output, input) << input.size() << " bytes";
  }
  if (!passes_through()) {
    const Bytes compressible = HighlyCompressibleBytes(1 << 20);
    EXPECT_LT(CompressToBytes(codec_.get(), compressible).size(), compressible.size() / 10);
  }
}

TEST_P(EachCodec, CompressAppendsWithoutClearing) {
  const Bytes input = CompressibleBytes(10'000);
  ByteBuffer out;
  out.Append(std::string_view("PREFIX"));
  ASSERT_TRUE(codec_->Compress(View(input), &out).ok());
  ASSERT_GT(out.size(), 6u);
  EXPECT_EQ(AsStringView(out.view().first(6)), "PREFIX");
  Bytes output(input.size());
  ASSERT_TRUE(codec_->Decompress(out.view().subspan(6), output.data(), output.size()).ok());
  EXPECT_EQ(output, input);
}

TEST_P(EachCodec, EmptyInputIsAnEmptyPage) {
  // parquet-java writes a zero-length compressed area for all-null V2 pages.
  uint8_t byte = 0;
  EXPECT_TRUE(codec_->Decompress(ByteView(), nullptr, 0).ok());
  Status st = codec_->Decompress(ByteView(), &byte, 1);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
}

TEST_P(EachCodec, WrongOutputLengthIsCorruptionAndNothingIsWrittenPastIt) {
  Bytes input = CompressibleBytes(50'000);
  Bytes tail = RandomBytes(3'000, 11);
  input.insert(input.end(), tail.begin(), tail.end());
  const Bytes compressed = CompressToBytes(codec_.get(), input);
  constexpr size_t kGuard = 4096;
  for (size_t output_len : {input.size() - 1, input.size() - 1000, input.size() + 1, size_t{0}, size_t{1}}) {
    Bytes output(output_len + kGuard, 0xAB);
    Status st = codec_->Decompress(View(compressed), output.data(), output_len);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << output_len << ": " << st.ToString();
    EXPECT_FALSE(st.message().empty());
    for (size_t i = output_len; i < output.size(); ++i) {
      ASSERT_EQ(output[i], 0xAB) << "wrote past output_len " << output_len << " at " << i;
    }
  }
  // The codec is still usable after the errors.
  Bytes output;
  ASSERT_TRUE(DecompressTo(codec_.get(), compressed, input.size(), &output).ok());
  EXPECT_EQ(output, input);
}

TEST_P(EachCodec, GarbageAndTruncatedInputAreErrorsNotCrashes) {
  Bytes output;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const Bytes garbage = RandomBytes(1 + seed * 7 % 300, seed);
    Status st = DecompressTo(codec_.get(), garbage, passes_through() ? garbage.size() + 1 : 100, &output);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << "seed " << seed << ": " << st.ToString();
  }
  const Bytes input = CompressibleBytes(100'000);
  const Bytes compressed = CompressToBytes(codec_.get(), input);
  for (size_t cut : {size_t{1}, size_t{2}, size_t{5}, compressed.size() / 2, compressed.size() - 1}) {
    if (cut >= compressed.size()) continue;
    const Bytes truncated(compressed.begin(), compressed.begin() + static_cast<ptrdiff_t>(cut));
    Status st = DecompressTo(codec_.get(), truncated, input.size(), &output);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << "cut at " << cut << ": " << st.ToString();
  }
  // Flipped bits may or may not be detected (snappy and LZ4 have no
  // checksum); the point is that decoding them is memory-safe.
  std::mt19937_64 rng(3);
  for (int i = 0; i < 100; ++i) {
    Bytes damaged = compressed;
    damaged[rng() % damaged.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    (void)DecompressTo(codec_.get(), damaged, input.size(), &output);
  }
  ASSERT_TRUE(DecompressTo(codec_.get(), compressed, input.size(), &output).ok());
  EXPECT_EQ(output, input);
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, EachCodec, testing::ValuesIn(kAllCodecs),
                         [](const testing::TestParamInfo<CompressionCodec>& info) {
                           return std::string(CompressionName(info.param));
                         });

// ---------------------------------------------------------------------------
// GZIP

Bytes ZlibCompress(const Bytes& input, int window_bits) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes out(deflateBound(&zs, input.size()) + 32);
  zs.next_in = const_cast<Bytef*>(input.data());
  zs.avail_in = static_cast<uInt>(input.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("snaplake_codec_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

void WriteFile(const std::filesystem::path& path, const Bytes& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(f.good()) << path;
}

Bytes ReadFile(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

TEST(Gzip, OutputIsAGzipMemberThatGzipAccepts) {
  if (std::system("gzip --version > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "*** the gzip command is not installed; cannot cross-check GZIP output ***";
  }
  auto codec = Make(CompressionCodec::kGzip);
  const Bytes input = CompressibleBytes(300'000);
  const Bytes compressed = CompressToBytes(codec.get(), input);
  ASSERT_GE(compressed.size(), 18u);
  EXPECT_EQ(compressed[0], 0x1f);
  EXPECT_EQ(compressed[1], 0x8b);
  EXPECT_EQ(compressed[2], 8);  // deflate

  TempDir dir;
  WriteFile(dir / "page.gz", compressed);
  const std::string gz = (dir / "page.gz").string();
  EXPECT_EQ(std::system(("gzip -t '" + gz + "'").c_str()), 0);
  ASSERT_EQ(std::system(("zcat '" + gz + "' > '" + (dir / "page").string() + "'").c_str()), 0);
  EXPECT_EQ(ReadFile(dir / "page"), input);

  // And the other way: gzip's own member (with a file name in its header).
  WriteFile(dir / "plain", input);
  ASSERT_EQ(std::system(("gzip -k -9 '" + (dir / "plain").string() + "'").c_str()), 0);
  const Bytes from_gzip = ReadFile(dir / "plain.gz");
  Bytes output;
  ASSERT_TRUE(DecompressTo(codec.get(), from_gzip, input.size(), &output).ok());
  EXPECT_EQ(output, input);
}

TEST(Gzip, ConcatenatedMembersDecodeAsOneStream) {
  auto codec = Make(CompressionCodec::kGzip);
  const Bytes first = CompressibleBytes(70'000);
  const Bytes second = RandomBytes(5'000, 5);
  const Bytes third = CompressibleBytes(123);

  Bytes stream = CompressToBytes(codec.get(), first);
  const Bytes empty_member = CompressToBytes(codec.get(), Bytes{});
  const Bytes zlib_member = ZlibCompress(second, 15 + 16);  // zlib writing a gzip member
  const Bytes last_member = CompressToBytes(codec.get(), third);
  stream.insert(stream.end(), empty_member.begin(), empty_member.end());
  stream.insert(stream.end(), zlib_member.begin(), zlib_member.end());
  stream.insert(stream.end(), last_member.begin(), last_member.end());

  Bytes expected = first;
  expected.insert(expected.end(), second.begin(), second.end());
  expected.insert(expected.end(), third.begin(), third.end());

  Bytes output;
  Status st = DecompressTo(codec.get(), stream, expected.size(), &output);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(output, expected);

  // One byte short: the last member no longer fits.
  st = DecompressTo(codec.get(), stream, expected.size() - 1, &output);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  // Junk after the last member is not silently ignored.
  Bytes junk = stream;
  junk.push_back(0x42);
  st = DecompressTo(codec.get(), junk, expected.size(), &output);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
}

TEST(Gzip, ZlibWrappedDataFallsBackToInflate) {
  auto codec = Make(CompressionCodec::kGzip);
  const Bytes input = CompressibleBytes(40'000);
  const Bytes zlib_wrapped = ZlibCompress(input, 15);
  ASSERT_EQ(zlib_wrapped[0], 0x78);
  Bytes output;
  Status st = DecompressTo(codec.get(), zlib_wrapped, input.size(), &output);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(output, input);
  // Reused for a second zlib stream.
  st = DecompressTo(codec.get(), zlib_wrapped, input.size(), &output);
  EXPECT_TRUE(st.ok()) << st.ToString();

  st = DecompressTo(codec.get(), zlib_wrapped, input.size() + 1, &output);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(st.message(), "gzip: decompressed size 40000 differs from the page header's 40001");
  st = DecompressTo(codec.get(), zlib_wrapped, input.size() - 1, &output);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);

  // Raw deflate has neither header: not accepted.
  const Bytes raw = ZlibCompress(input, -15);
  st = DecompressTo(codec.get(), raw, input.size(), &output);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("gzip data is corrupt"), std::string::npos) << st.message();
}

TEST(Gzip, CorruptMemberMessage) {
  auto codec = Make(CompressionCodec::kGzip);
  const Bytes input = CompressibleBytes(10'000);
  Bytes compressed = CompressToBytes(codec.get(), input);
  compressed[compressed.size() - 6] ^= 0xff;  // the CRC trailer
  Bytes output;
  Status st = DecompressTo(codec.get(), compressed, input.size(), &output);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(st.message(), "gzip data is corrupt");
}

// ---------------------------------------------------------------------------
// SNAPPY

TEST(Snappy, LengthPrefixIsCheckedAgainstThePageHeader) {
  auto codec = Make(CompressionCodec::kSnappy);
  const Bytes input = CompressibleBytes(12);
  const Bytes compressed = CompressToBytes(codec.get(), input);
  Bytes output;
  Status st = DecompressTo(codec.get(), compressed, 10, &output);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(st.message(), "snappy: decompressed size 12 differs from the page header's 10");
}

// ---------------------------------------------------------------------------
// ZSTD

TEST(Zstd, FramesWithoutContentSizeAndConcatenatedFramesDecode) {
  const Bytes input = CompressibleBytes(300'000);
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ASSERT_EQ(ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0)), 0u);
  Bytes frame(ZSTD_compressBound(input.size()));
  size_t n = ZSTD_compress2(cctx, frame.data(), frame.size(), input.data(), input.size());
  ZSTD_freeCCtx(cctx);
  ASSERT_FALSE(ZSTD_isError(n));
  frame.resize(n);
  ASSERT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), ZSTD_CONTENTSIZE_UNKNOWN);

  auto codec = Make(CompressionCodec::kZstd);
  Bytes output;
  Status st = DecompressTo(codec.get(), frame, input.size(), &output);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(output, input);

  // Without a content size nothing up front says the output is too small.
  constexpr size_t kGuard = 1024;
  Bytes small(input.size() - 1 + kGuard, 0xCD);
  st = codec->Decompress(View(frame), small.data(), input.size() - 1);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(st.message(), "zstd: data decompresses to more than the page header's 299999 bytes");
  for (size_t i = input.size() - 1; i < small.size(); ++i) ASSERT_EQ(small[i], 0xCD) << i;

  Bytes two = frame;
  const Bytes second = CompressToBytes(codec.get(), input);
  two.insert(two.end(), second.begin(), second.end());
  st = DecompressTo(codec.get(), two, 2 * input.size(), &output);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(std::equal(input.begin(), input.end(), output.begin()));
  EXPECT_TRUE(std::equal(input.begin(), input.end(), output.begin() + static_cast<ptrdiff_t>(input.size())));
}

// ---------------------------------------------------------------------------
// LZ4 (Hadoop) and LZ4_RAW

Bytes Lz4Block(const Bytes& input) {
  Bytes out(static_cast<size_t>(LZ4_compressBound(static_cast<int>(input.size()))));
  int n = LZ4_compress_default(reinterpret_cast<const char*>(input.data()), reinterpret_cast<char*>(out.data()),
                               static_cast<int>(input.size()), static_cast<int>(out.size()));
  EXPECT_GT(n, 0);
  out.resize(static_cast<size_t>(n));
  return out;
}

void PutBigEndian32(Bytes* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<uint8_t>(v >> shift));
}

TEST(Lz4, CompressWritesOneHadoopFrame) {
  auto codec = Make(CompressionCodec::kLz4);
  const Bytes input = CompressibleBytes(5000);
  const Bytes compressed = CompressToBytes(codec.get(), input);
  ASSERT_GT(compressed.size(), 8u);
  Bytes header;
  PutBigEndian32(&header, 5000);
  PutBigEndian32(&header, static_cast<uint32_t>(compressed.size() - 8));
  EXPECT_TRUE(std::equal(header.begin(), header.end(), compressed.begin()));
  // The payload is a bare block.
  Bytes output(input.size());
  EXPECT_EQ(LZ4_decompress_safe(reinterpret_cast<const char*>(compressed.data() + 8),
                                reinterpret_cast<char*>(output.data()), static_cast<int>(compressed.size() - 8),
                                static_cast<int>(output.size())),
            5000);
  EXPECT_EQ(output, input);
}

TEST(Lz4, HadoopFramesWithSeveralBlocksAndChunksDecode) {
  const Bytes a = CompressibleBytes(3000);
  const Bytes b = RandomBytes(700, 9);
  const Bytes c = CompressibleBytes(40'000);
  Bytes expected = a;
  expected.insert(expected.end(), b.begin(), b.end());
  expected.insert(expected.end(), c.begin(), c.end());

  // Block 1: [a+b] in two chunks (what Hadoop does past its buffer size);
  // block 2: [c] in one chunk (what Arrow and parquet-cpp write).
  Bytes framed;
  PutBigEndian32(&framed, static_cast<uint32_t>(a.size() + b.size()));
  for (const Bytes* part : {&a, &b}) {
    const Bytes block = Lz4Block(*part);
    PutBigEndian32(&framed, static_cast<uint32_t>(block.size()));
    framed.insert(framed.end(), block.begin(), block.end());
  }
  const Bytes block_c = Lz4Block(c);
  PutBigEndian32(&framed, static_cast<uint32_t>(c.size()));
  PutBigEndian32(&framed, static_cast<uint32_t>(block_c.size()));
  framed.insert(framed.end(), block_c.begin(), block_c.end());

  auto codec = Make(CompressionCodec::kLz4);
  Bytes output;
  Status st = DecompressTo(codec.get(), framed, expected.size(), &output);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(output, expected);

  st = DecompressTo(codec.get(), framed, expected.size() + 1, &output);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
}

TEST(Lz4, BareBlockUnderTheLz4IdFallsBack) {
  auto codec = Make(CompressionCodec::kLz4);
  for (const Bytes& input : {CompressibleBytes(20'000), RandomBytes(3000, 4), Bytes{7}}) {
    const Bytes block = Lz4Block(input);
    Bytes output;
    Status st = DecompressTo(codec.get(), block, input.size(), &output);
    ASSERT_TRUE(st.ok()) << input.size() << ": " << st.ToString();
    EXPECT_EQ(output, input);
  }
}

TEST(Lz4Raw, IsABareBlock) {
  auto codec = Make(CompressionCodec::kLz4Raw);
  const Bytes input = CompressibleBytes(20'000);
  EXPECT_EQ(CompressToBytes(codec.get(), input), Lz4Block(input));
  Bytes output;
  Status st = DecompressTo(codec.get(), Lz4Block(input), input.size() + 5, &output);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(st.message(), "lz4_raw: decompressed size 20000 differs from the page header's 20005");
}

// ---------------------------------------------------------------------------
// BROTLI

TEST(Brotli, DecodesOtherQualitiesAndWindows) {
  const Bytes input = CompressibleBytes(500'000);
  Bytes compressed(BrotliEncoderMaxCompressedSize(input.size()));
  size_t n = compressed.size();
  ASSERT_TRUE(BrotliEncoderCompress(5, 24, BROTLI_MODE_TEXT, input.size(), input.data(), &n, compressed.data()));
  compressed.resize(n);
  auto codec = Make(CompressionCodec::kBrotli);
  Bytes output;
  Status st = DecompressTo(codec.get(), compressed, input.size(), &output);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(output, input);
  st = DecompressTo(codec.get(), compressed, input.size() - 1, &output);
  EXPECT_EQ(st.message(), "brotli: data decompresses to more than the page header's 499999 bytes");
}

}  // namespace
}  // namespace snaplake
