// ByteBuffer: a growable byte array for encoders and page assembly.
//
// Unlike std::vector<uint8_t>, growing it does not zero the new bytes, and
// Clear() keeps the capacity, so a buffer reused across pages allocates only
// while it is still growing to its working size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string_view>

namespace snaplake {

using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
inline std::string_view AsStringView(ByteView b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(size_t capacity) { Reserve(capacity); }
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;
  ByteBuffer(ByteBuffer&& other) noexcept { *this = std::move(other); }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    if (this != &other) {
      data_ = std::move(other.data_);
      size_ = other.size_;
      capacity_ = other.capacity_;
      other.size_ = other.capacity_ = 0;
    }
    return *this;
  }

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  ByteView view() const { return ByteView(data_.get(), size_); }

  void Clear() { size_ = 0; }
  // Drops the memory too; for buffers that must not pin a large peak.
  void Release() { data_.reset(); size_ = capacity_ = 0; }

  void Reserve(size_t capacity) {
    if (capacity <= capacity_) return;
    size_t grown = capacity_ < 64 ? 64 : capacity_ + capacity_ / 2;
    if (grown < capacity) grown = capacity;
    std::unique_ptr<uint8_t[]> bigger(new uint8_t[grown]);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = grown;
  }

  // Makes size() == n; new bytes are uninitialised.
  void Resize(size_t n) {
    Reserve(n);
    size_ = n;
  }

  // Extends by n uninitialised bytes and returns a pointer to them.
  uint8_t* Grow(size_t n) {
    Reserve(size_ + n);
    uint8_t* p = data_.get() + size_;
    size_ += n;
    return p;
  }

  void Append(const void* p, size_t n) {
    if (n == 0) return;
    std::memcpy(Grow(n), p, n);
  }
  void Append(ByteView b) { Append(b.data(), b.size()); }
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  void PushBack(uint8_t b) {
    if (size_ == capacity_) Reserve(size_ + 1);
    data_[size_++] = b;
  }
  // Appends the raw little-endian bytes of a trivially copyable value.
  template <typename T>
  void AppendValue(const T& v) {
    Append(&v, sizeof(T));
  }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace snaplake
