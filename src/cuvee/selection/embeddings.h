// Document embeddings: an N×d float32 matrix, row i the embedding of document i (documents are
// numbered as documents.h says). Read from NumPy .npy files (float32 or float16, C order,
// 2-D) or raw little-endian float32 with the width given; written as float32 .npy.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace cuvee {

struct Embeddings {
  uint64_t rows = 0;
  uint64_t dim = 0;
  std::vector<float> values;  // rows × dim, row-major
  const float* row(uint64_t i) const { return values.data() + i * dim; }
};

// Reads a .npy file, or raw float32 when `raw_dim` > 0. Errors name the file and what is
// wrong: a header that is not 2-D float32/float16 C order, a size that is not rows × dim
// (ragged), a NaN or infinity (naming its row and column).
Embeddings read_embeddings(const std::filesystem::path& path, uint64_t raw_dim = 0);

// Writes float32 .npy atomically.
void write_npy(const std::filesystem::path& path, const Embeddings& embeddings);

}  // namespace cuvee
