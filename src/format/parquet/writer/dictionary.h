// Dictionaries for RLE_DICTIONARY encoding: value -> index, built as values
// arrive, with the dictionary page's PLAIN bytes kept ready alongside.
//
// Values are keyed by their exact bytes (so -0.0 and 0.0, or two NaN payloads,
// stay distinct and round-trip bit for bit). Open addressing, power-of-two
// capacity, grown at 50 % load; lookups allocate nothing.
//
// Memory: the lookup table costs two to four times the PLAIN bytes, so a
// writer that stops adding entries (fallback to PLAIN) calls DropIndex(), and
// Clear() gives everything back: a dictionary holds memory only while it is
// in use, and memory_bytes() says how much.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "common/buffer.h"

namespace snaplake::parquet {

uint64_t HashBytes(const uint8_t* p, size_t n);

inline uint64_t HashWord(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// Fixed-width values of 1, 4 or 8 bytes (T = int32_t, int64_t, float, double).
template <typename T>
class FixedDictionary {
 public:
  FixedDictionary() { Rehash(kInitialSlots); }

  // The index of v, inserting it if new. Not after DropIndex() (until Clear()).
  uint32_t IndexOf(T v) {
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    size_t slot = HashWord(bits) & mask_;
    while (true) {
      uint32_t entry = slots_[slot];
      if (entry == kEmpty) break;
      uint64_t have = 0;
      std::memcpy(&have, &values_[entry], sizeof(T));
      if (have == bits) return entry;
      slot = (slot + 1) & mask_;
    }
    uint32_t index = static_cast<uint32_t>(values_.size());
    slots_[slot] = index;
    values_.push_back(v);
    if (values_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
    return index;
  }

  size_t size() const { return values_.size(); }
  size_t plain_bytes() const { return values_.size() * sizeof(T); }
  size_t memory_bytes() const { return values_.capacity() * sizeof(T) + slots_.capacity() * sizeof(uint32_t); }
  void AppendPlain(ByteBuffer* out) const { out->Append(values_.data(), values_.size() * sizeof(T)); }
  // Frees the lookup table; the entries stay for AppendPlain.
  void DropIndex() {
    std::vector<uint32_t>().swap(slots_);
    mask_ = 0;
  }
  // Empty again, with the memory of a new dictionary.
  void Clear() {
    std::vector<T>().swap(values_);
    std::vector<uint32_t>().swap(slots_);
    Rehash(kInitialSlots);
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  static constexpr size_t kInitialSlots = 256;

  void Rehash(size_t capacity) {
    slots_.assign(capacity, kEmpty);
    mask_ = capacity - 1;
    for (uint32_t i = 0; i < values_.size(); ++i) {
      uint64_t bits = 0;
      std::memcpy(&bits, &values_[i], sizeof(T));
      size_t slot = HashWord(bits) & mask_;
      while (slots_[slot] != kEmpty) slot = (slot + 1) & mask_;
      slots_[slot] = i;
    }
  }

  std::vector<T> values_;
  std::vector<uint32_t> slots_;
  size_t mask_ = 0;
};

// Byte strings (BYTE_ARRAY, or FIXED_LEN_BYTE_ARRAY when fixed_width > 0).
// The PLAIN form is built as entries arrive: 4-byte length + bytes per entry
// for BYTE_ARRAY, raw bytes for FLBA.
class BytesDictionary {
 public:
  explicit BytesDictionary(int fixed_width = 0) : fixed_width_(fixed_width) { Rehash(kInitialSlots); }

  // The index of v, inserting it if new. Not after DropIndex() (until Clear()).
  uint32_t IndexOf(std::string_view v) {
    const uint64_t h = HashBytes(reinterpret_cast<const uint8_t*>(v.data()), v.size());
    size_t slot = h & mask_;
    while (true) {
      const Slot& s = slots_[slot];
      if (s.index == kEmpty) break;
      if (s.hash == h && Entry(s.index) == v) return s.index;
      slot = (slot + 1) & mask_;
    }
    const uint32_t index = static_cast<uint32_t>(starts_.size());
    slots_[slot] = Slot{h, index};
    if (fixed_width_ == 0) {
      const uint32_t len = static_cast<uint32_t>(v.size());
      plain_.AppendValue(len);
    }
    starts_.push_back(plain_.size());
    plain_.Append(v);
    count_ = starts_.size();
    if (starts_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
    return index;
  }

  size_t size() const { return count_; }
  size_t plain_bytes() const { return plain_.size(); }
  size_t memory_bytes() const {
    return plain_.capacity() + starts_.capacity() * sizeof(size_t) + slots_.capacity() * sizeof(Slot);
  }
  void AppendPlain(ByteBuffer* out) const { out->Append(plain_.view()); }
  // Frees the lookup table; the entries stay for AppendPlain.
  void DropIndex() {
    std::vector<Slot>().swap(slots_);
    std::vector<size_t>().swap(starts_);
    mask_ = 0;
  }
  // Empty again, with the memory of a new dictionary.
  void Clear() {
    std::vector<size_t>().swap(starts_);
    plain_.Release();
    count_ = 0;
    slots_.clear();
    Rehash(kInitialSlots);
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  static constexpr size_t kInitialSlots = 256;
  struct Slot {
    uint64_t hash = 0;
    uint32_t index = kEmpty;
  };

  std::string_view Entry(uint32_t i) const {
    const size_t start = starts_[i];
    size_t len;
    if (fixed_width_ > 0) {
      len = static_cast<size_t>(fixed_width_);
    } else {
      uint32_t l;
      std::memcpy(&l, plain_.data() + start - 4, 4);
      len = l;
    }
    return std::string_view(reinterpret_cast<const char*>(plain_.data()) + start, len);
  }

  void Rehash(size_t capacity) {
    std::vector<Slot> bigger(capacity);
    const size_t mask = capacity - 1;
    for (const Slot& s : slots_) {
      if (s.index == kEmpty) continue;
      size_t slot = s.hash & mask;
      while (bigger[slot].index != kEmpty) slot = (slot + 1) & mask;
      bigger[slot] = s;
    }
    slots_ = std::move(bigger);
    mask_ = mask;
  }

  int fixed_width_;
  ByteBuffer plain_;
  std::vector<size_t> starts_;  // offset of each entry's bytes in plain_ (lookup only)
  size_t count_ = 0;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

}  // namespace snaplake::parquet
