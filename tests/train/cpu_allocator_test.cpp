#include "cuvee/train/cpu_allocator.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace cuvee {
namespace {

TEST(CachingCpuAllocator, ReusesLargeBlocksOfTheSameSize) {
  use_caching_cpu_allocator();
  const int64_t floats = 3 * static_cast<int64_t>(kMinCachedBytes) / 4 + 7;  // > 2 MiB
  void* first = nullptr;
  {
    auto t = torch::ones({floats});
    first = t.data_ptr();
  }
  EXPECT_GE(cached_cpu_bytes(), floats * sizeof(float));
  auto again = torch::zeros({floats});
  EXPECT_EQ(again.data_ptr(), first);
  EXPECT_EQ(again.sum().item<double>(), 0.0);  // a reused block is initialised like a new one
  auto other = torch::zeros({floats + 1});
  EXPECT_NE(other.data_ptr(), first);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(other.data_ptr()) % 64, 0u);
}

TEST(CachingCpuAllocator, LeavesSmallBlocksToMalloc) {
  use_caching_cpu_allocator();
  size_t before = cached_cpu_bytes();
  { auto small = torch::ones({1000}); }
  EXPECT_EQ(cached_cpu_bytes(), before);
}

}  // namespace
}  // namespace cuvee
