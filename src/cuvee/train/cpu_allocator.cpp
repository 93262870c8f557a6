#include "cuvee/train/cpu_allocator.h"

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

namespace cuvee {

namespace {

// libtorch aligns CPU tensors to 64 bytes (AVX-512 loads).
constexpr size_t kAlignment = 64;

class CachingCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t bytes) const override {
    void* data = bytes < kMinCachedBytes ? nullptr : take(bytes);
    if (data == nullptr && bytes > 0) {
      if (posix_memalign(&data, kAlignment, bytes) != 0) throw std::bad_alloc();
      if (bytes >= kMinCachedBytes) {
        std::lock_guard lock(mutex());
        sizes()[data] = bytes;
      }
    }
    return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  static size_t cached_bytes() {
    std::lock_guard lock(mutex());
    size_t total = 0;
    for (const auto& [size, blocks] : free_blocks()) total += size * blocks.size();
    return total;
  }

 private:
  // The state outlives every tensor: it is never destroyed (tensors may be freed during exit).
  static std::mutex& mutex() {
    static auto* m = new std::mutex;
    return *m;
  }
  static std::unordered_map<void*, size_t>& sizes() {
    static auto* s = new std::unordered_map<void*, size_t>;
    return *s;
  }
  static std::unordered_map<size_t, std::vector<void*>>& free_blocks() {
    static auto* f = new std::unordered_map<size_t, std::vector<void*>>;
    return *f;
  }

  static void* take(size_t bytes) {
    std::lock_guard lock(mutex());
    auto it = free_blocks().find(bytes);
    if (it == free_blocks().end() || it->second.empty()) return nullptr;
    void* data = it->second.back();
    it->second.pop_back();
    return data;
  }

  static void release(void* data) {
    if (data == nullptr) return;
    {
      std::lock_guard lock(mutex());
      auto it = sizes().find(data);
      if (it != sizes().end()) {
        free_blocks()[it->second].push_back(data);
        return;
      }
    }
    std::free(data);
  }
};

}  // namespace

void use_caching_cpu_allocator() {
  static CachingCpuAllocator allocator;
  static std::once_flag once;
  // Priority above the default allocator's (0), so it wins.
  std::call_once(once, [] { c10::SetCPUAllocator(&allocator, 1); });
}

size_t cached_cpu_bytes() {
  return CachingCpuAllocator::cached_bytes();
}

}  // namespace cuvee
