// Import throughput (byte-level tokens, all cores): input MB/s against a raw read of the same
// file — how close importing comes to the speed of merely reading the input.
// Usage: bench_corpus_import [FILE.jsonl]
#include <cstdio>

#include "bench_common.h"
#include "bench_text.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/threads.h"
#include "cuvee/corpus/importer.h"

using namespace cuvee;

int main(int argc, char** argv) {
  Progress::set_enabled(false);
  bench::Scratch scratch("import");
  auto input = bench::benchmark_jsonl(argc, argv, scratch.path(), 64 << 20);
  const double megabytes = static_cast<double>(std::filesystem::file_size(input)) / 1e6;
  ImportOptions options;
  options.domain = "bench";
  options.out = scratch.path() / "out";
  options.inputs = {input};
  double import_s = bench::best_seconds(2, [&] { import_domain(options); });
  double read_s = bench::best_seconds(2, [&] {
    std::FILE* f = std::fopen(input.c_str(), "rb");
    std::vector<char> buffer(1 << 20);
    while (std::fread(buffer.data(), 1, buffer.size(), f) > 0) {
    }
    std::fclose(f);
  });
  bench::report(fmt::format("import ({} threads)", default_threads()).c_str(),
                fmt::format("{:.0f} MB/s", megabytes / import_s),
                fmt::format("{:.0f} MB/s read", megabytes / read_s), read_s / import_s,
                "import speed / raw read speed of the input");
  return 0;
}
