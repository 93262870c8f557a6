// Megatron token files (.idx/.bin): what `cuvee inspect` opens and the sampler reads windows
// from. The input is the .idx bytes, the part separator, then the .bin bytes; the first byte of
// the .bin part also sets the window length.
#include <numeric>
#include <vector>

#include "cuvee/corpus/indexed_dataset.h"
#include "cuvee/sampling/mixed_sampler.h"
#include "cuvee/sampling/token_windows.h"
#include "fuzz_support.h"

using namespace cuvee;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split_parts({reinterpret_cast<const char*>(data), size}, 2);
  const auto prefix = fuzz::scratch_file("tokens.idx", parts[0]).parent_path() / "tokens";
  fuzz::scratch_file("tokens.bin", parts.size() > 1 ? parts[1] : std::string_view());
  // The byte as unsigned: a char's sign would make the length 0 or wrap it around.
  const uint64_t seq_len =
      1 + (parts.size() > 1 && !parts[1].empty() ? static_cast<uint8_t>(parts[1][0]) % 16 : 3);
  fuzz::expect_clean("tokens.", [&] {
    IndexedDataset dataset(prefix);
    // What inspect prints, and every document read back.
    uint64_t tokens = 0;
    for (uint64_t d = 0; d < dataset.documents(); ++d) {
      fuzz::require(dataset.document_begin(d) <= dataset.document_end(d),
                    "a document ends before it begins");
      tokens += dataset.document(d).size();
    }
    fuzz::require(tokens == dataset.tokens(), "documents do not add up to the token count");
    fuzz::require(dataset.bin().size() == dataset.tokens() * dtype_size(dataset.dtype()),
                  ".bin size and token count disagree");
    // A sampler's windows, as `cuvee sample` and training draw them.
    TokenWindows windows(dataset, seq_len);
    if (windows.count() == 0) return;
    MixedSampler sampler({windows.count()}, 7);
    std::vector<int64_t> window(seq_len + 1);
    const double weights[] = {1.0};
    for (int step = 0; step < 4; ++step) {
      for (const auto& draw : sampler.next(weights, 3)) windows.read(draw.sequence, window.data());
    }
  });
  return 0;
}
