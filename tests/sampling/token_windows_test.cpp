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

TEST(TokenWindows, ReadDrawsGivesEachDrawsWindowInOrder) {
  testing::TempDir dir;
  std::vector<std::unique_ptr<IndexedDataset>> data;
  std::vector<TokenWindows> windows;
  for (int d = 0; d < 2; ++d) {
    IndexedDatasetWriter writer(dir / std::to_string(d), DType::kUInt16);
    std::vector<int32_t> tokens(100);
    std::iota(tokens.begin(), tokens.end(), 1000 * d);
    writer.add_document(tokens);
    writer.commit();
    data.push_back(std::make_unique<IndexedDataset>(dir / std::to_string(d)));
    windows.emplace_back(*data.back(), 8);
  }
  std::vector<Draw> draws = {{1, 3, 0}, {0, 0, 0}, {0, 11, 0}, {1, 3, 0}};
  std::vector<int64_t> got(draws.size() * 9), expected(draws.size() * 9);
  read_draws(windows, draws, got.data());
  for (size_t j = 0; j < draws.size(); ++j)
    windows[draws[j].domain].read(draws[j].sequence, expected.data() + j * 9);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(got[0], 1024);
  std::vector<Draw> bad_domain = {{2, 0, 0}};
  EXPECT_THROW(read_draws(windows, bad_domain, got.data()), Error);
  std::vector<Draw> bad_window = {{0, 0, 0}, {0, 12, 0}};
  EXPECT_THROW(read_draws(windows, bad_window, got.data()), Error);
}

}  // namespace
}  // namespace cuvee
