#include "cuvee/selection/embeddings.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "cuvee/core/error.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

std::string npy(const std::string& descr, const std::string& shape, const std::string& data) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(dict.size());
  out += '\0';
  return out + dict + data;
}

std::string floats(std::initializer_list<float> values) {
  std::string out(values.size() * 4, '\0');
  std::memcpy(out.data(), values.begin(), out.size());
  return out;
}

TEST(Embeddings, RoundTripsFloat32Npy) {
  testing::TempDir dir;
  Embeddings e{2, 3, {1, 2, 3, 4, 5, 6}};
  write_npy(dir / "e.npy", e);
  auto back = read_embeddings(dir / "e.npy");
  EXPECT_EQ(back.rows, 2u);
  EXPECT_EQ(back.dim, 3u);
  EXPECT_EQ(back.values, e.values);
}

TEST(Embeddings, ReadsFloat16AndRaw) {
  testing::TempDir dir;
  // 1.0, -2.0, 0.5, 65504 in IEEE half precision.
  uint16_t halves[4] = {0x3c00, 0xc000, 0x3800, 0x7bff};
  std::string data(8, '\0');
  std::memcpy(data.data(), halves, 8);
  auto half = read_embeddings(dir.write("h.npy", npy("<f2", "(2, 2)", data)));
  EXPECT_EQ(half.values, (std::vector<float>{1.0f, -2.0f, 0.5f, 65504.0f}));
  auto raw = read_embeddings(dir.write("r.f32", floats({1, 2, 3, 4, 5, 6})), 2);
  EXPECT_EQ(raw.rows, 3u);
  EXPECT_EQ(raw.row(2)[1], 6.0f);
}

TEST(Embeddings, RejectsRaggedNanAndOtherTypes) {
  testing::TempDir dir;
  EXPECT_THROW(read_embeddings(dir.write("r.f32", floats({1, 2, 3})), 2), Error);
  EXPECT_THROW(read_embeddings(dir.write("short.npy", npy("<f4", "(2, 2)", floats({1, 2, 3})))),
               Error);
  EXPECT_THROW(read_embeddings(dir.write("d.npy", npy("<f8", "(1, 1)", std::string(8, '\0')))),
               Error);
  EXPECT_THROW(read_embeddings(dir.write("v.npy", npy("<f4", "(4,)", floats({1, 2, 3, 4})))),
               Error);
  float nan = std::numeric_limits<float>::quiet_NaN();
  try {
    read_embeddings(dir.write("n.npy", npy("<f4", "(2, 2)", floats({1, 2, nan, 4}))));
    FAIL() << "NaN accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("row 1 column 0"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace cuvee
