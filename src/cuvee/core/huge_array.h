// A large array of a trivially copyable type in its own anonymous mapping, backed by 2 MiB
// pages where the kernel allows it (transparent huge pages, asked for with madvise). For tables
// of hundreds of megabytes read at random: with 4 KiB pages nearly every access there misses
// the TLB as well as the caches, and the page walk costs about as much as the miss itself.
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>

namespace cuvee {

// `bytes` of zeroed memory (rounded up to whole 2 MiB pages); release with unmap_huge().
void* map_huge(size_t bytes);
void unmap_huge(void* memory, size_t bytes);

template <typename T>
class HugeArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  HugeArray() = default;
  // n elements, each `value` (fresh mappings read as zeros, so zero needs no filling and its
  // pages are not touched until used).
  HugeArray(size_t n, const T& value) : data_(static_cast<T*>(map_huge(n * sizeof(T)))), size_(n) {
    static const T zero{};
    if (std::memcmp(&value, &zero, sizeof(T)) == 0) return;
    for (size_t i = 0; i < n; ++i) data_[i] = value;
  }
  ~HugeArray() { release(); }
  HugeArray(HugeArray&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  HugeArray& operator=(HugeArray&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  HugeArray(const HugeArray& other)
      : data_(static_cast<T*>(map_huge(other.size_ * sizeof(T)))), size_(other.size_) {
    if (size_ > 0) std::memcpy(data_, other.data_, size_ * sizeof(T));
  }
  HugeArray& operator=(const HugeArray& other) {
    if (this != &other) {
      HugeArray copy(other);
      swap(copy);
    }
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  void swap(HugeArray& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
  }

 private:
  void release() {
    if (data_ != nullptr) unmap_huge(data_, size_ * sizeof(T));
    data_ = nullptr;
    size_ = 0;
  }
  T* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace cuvee
