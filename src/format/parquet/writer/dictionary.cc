#include "format/parquet/writer/dictionary.h"

namespace snaplake::parquet {

uint64_t HashBytes(const uint8_t* p, size_t n) {
  // Word-at-a-time multiply/xor mixing; quality is ample for hash tables and
  // it costs about a cycle per byte.
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xbf58476d1ce4e5b9ULL);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ HashWord(w)) * 0x94d049bb133111ebULL;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  return HashWord(h ^ tail ^ (static_cast<uint64_t>(n) << 56));
}

}  // namespace snaplake::parquet
