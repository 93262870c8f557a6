// Document embeddings (`cuvee select density --embeddings`): a .npy file (float32 or float16,
// 2-D, C order) or raw float32 rows of a given width. The first byte picks the kind (and the
// raw width); the rest is the file. Embeddings read from .npy must read back the same after
// write_npy.
#include <cstring>

#include "cuvee/selection/embeddings.h"
#include "fuzz_support.h"

using namespace cuvee;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint64_t raw_dim = data[0] % 4 == 0 ? 1 + data[0] / 4 % 8 : 0;
  auto path =
      fuzz::scratch_file("embeddings.npy", {reinterpret_cast<const char*>(data) + 1, size - 1});
  fuzz::expect_clean("embeddings.npy", [&] {
    Embeddings e = read_embeddings(path, raw_dim);
    fuzz::require(e.values.size() == e.rows * e.dim, "rows × dim is not the number of values");
    fuzz::require(e.values.size() <= size, "more values than the file has bytes");
    auto copy = path.parent_path() / "copy.npy";
    write_npy(copy, e);
    Embeddings again = read_embeddings(copy);
    fuzz::require(again.rows == e.rows && again.dim == e.dim && again.values == e.values,
                  "embeddings do not round-trip through write_npy");
  });
  return 0;
}
