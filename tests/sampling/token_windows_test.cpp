#include "cuvee/sampling/token_windows.h"

#include <gtest/gtest.h>

#include <numeric>

#include "cuvee/core/error.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

TEST(TokenWindows, CutsTheStreamIntoOverlappingWindowsOfTPlusOne) {
  testing::TempDir dir;
  IndexedDatasetWriter writer(dir / "d", DType::kUInt16);
  std::vector<int32_t> a(10), b(7);
  std::iota(a.begin(), a.end(), 0);
  std::iota(b.begin(), b.end(), 10);
  writer.add_document(a);
  writer.add_document(b);
  writer.commit();
  IndexedDataset data(dir / "d");
  TokenWindows windows(data, 4);
  EXPECT_EQ(windows.count(), 4u);  // 17 tokens: windows start at 0, 4, 8, 12 (12..16)
  std::vector<int64_t> out(5);
  windows.read(2, out.data());
  EXPECT_EQ(out, (std::vector<int64_t>{8, 9, 10, 11, 12}));
  windows.read(3, out.data());
  EXPECT_EQ(out, (std::vector<int64_t>{12, 13, 14, 15, 16}));
  EXPECT_THROW(windows.read(4, out.data()), Error);
  EXPECT_EQ(TokenWindows(data, 16).count(), 1u);
  EXPECT_EQ(TokenWindows(data, 17).count(), 0u);
}

}  // namespace
}  // namespace cuvee
