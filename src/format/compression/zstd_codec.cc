// ZSTD: standard zstd frames. Compression defaults to level 1, not zstd's own
// default of 3 (which DuckDB uses too): an export is usually bound by the
// compressor, and on 1 MiB pages level 1 compressed text about 1.5x faster
// than level 3 for ~8% larger output. On dense numeric columns level 3 can be
// clearly smaller (0.44 vs 0.58 of the input on random timestamps+doubles),
// so users who want small files should pass a level.
#include <zstd.h>
#include <zstd_errors.h>

#include "format/compression/codec_internal.h"

namespace snaplake::compression_internal {
namespace {

constexpr int kDefaultZstdLevel = 1;

struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

class ZstdCodec final : public Codec {
 public:
  explicit ZstdCodec(int level) : level_(level) {}

  CompressionCodec kind() const override { return CompressionCodec::kZstd; }

  Status Compress(ByteView input, ByteBuffer* out) override {
    if (cctx_ == nullptr) {
      // Created on first use: a reader never pays for a compressor.
      cctx_.reset(ZSTD_createCCtx());
      if (cctx_ == nullptr) return Status::Internal("out of memory creating a zstd compressor");
      size_t rc = ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_compressionLevel, level_);
      if (ZSTD_isError(rc)) return Failed(rc);
    }
    const size_t bound = ZSTD_compressBound(input.size());
    if (ZSTD_isError(bound)) return Status::InvalidArgument("zstd: input is too large to compress");
    const size_t start = out->size();
    uint8_t* dst = out->Grow(bound);
    // ZSTD_compress2 knows the input size, so the frame records it.
    size_t written = ZSTD_compress2(cctx_.get(), dst, bound, NonNull(input.data()), input.size());
    if (ZSTD_isError(written)) {
      out->Resize(start);
      return Failed(written);
    }
    out->Resize(start + written);
    return Status::OK();
  }

  Status Decompress(ByteView input, uint8_t* output, size_t output_len) override {
    if (input.empty()) return DecompressEmpty("zstd", output_len);
    if (dctx_ == nullptr) {
      dctx_.reset(ZSTD_createDCtx());
      if (dctx_ == nullptr) return Status::Internal("out of memory creating a zstd decompressor");
    }
    // One-shot decoding into the caller's buffer: it works for frames with or
    // without a content size (and for several frames back to back), decodes
    // straight into output with no window buffer of its own, and stops with
    // dstSize_tooSmall rather than write past output_len.
    uint8_t scratch;
    size_t produced = ZSTD_decompressDCtx(dctx_.get(), NonNull(output, &scratch), output_len, input.data(),
                                          input.size());
    if (ZSTD_isError(produced)) {
      if (ZSTD_getErrorCode(produced) == ZSTD_error_dstSize_tooSmall) return SizeExceeds("zstd", output_len);
      return CorruptData("zstd", ZSTD_getErrorName(produced));
    }
    if (produced != output_len) return SizeDiffers("zstd", produced, output_len);
    return Status::OK();
  }

 private:
  static Status Failed(size_t code) {
    std::string msg = "zstd compression failed: ";
    msg.append(ZSTD_getErrorName(code));
    return Status::Internal(std::move(msg));
  }

  int level_;
  std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx_;
  std::unique_ptr<ZSTD_DCtx, DCtxFree> dctx_;
};

}  // namespace

Result<std::unique_ptr<Codec>> MakeZstdCodec(int level) {
  if (level == kDefaultCompressionLevel) level = kDefaultZstdLevel;
  if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
    return LevelOutOfRange(CompressionCodec::kZstd, level, ZSTD_minCLevel(), ZSTD_maxCLevel());
  }
  return std::unique_ptr<Codec>(std::make_unique<ZstdCodec>(level));
}

}  // namespace snaplake::compression_internal
