// Decompressing input (`cuvee import` of .jsonl.gz and .jsonl.zst): the byte source's speed on
// one thread against the reference decoders run as users run them, `gzip -dc` and `zstd -dc`,
// on the same files. Both are timed in CPU seconds (ours on its thread, the peer as a child
// process), so other work on a shared machine counts against neither.
// Usage: bench_corpus_decompress [FILE.jsonl]  (default: generated text)
#include <sys/resource.h>

#include <cstdlib>

#include "bench_common.h"
#include "bench_text.h"
#include "cuvee/core/error.h"
#include "cuvee/corpus/byte_source.h"

using namespace cuvee;

namespace {

double children_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

void run(const std::string& command) {
  if (std::system(command.c_str()) != 0) fail("'{}' failed", command);
}

}  // namespace

int main(int argc, char** argv) {
  bench::Scratch scratch("decompress");
  auto input = bench::benchmark_jsonl(argc, argv, scratch.path(), 64 << 20);
  const double megabytes = static_cast<double>(std::filesystem::file_size(input)) / 1e6;
  const std::filesystem::path gz = scratch.path() / "input.jsonl.gz";
  const std::filesystem::path zst = scratch.path() / "input.jsonl.zst";
  run(fmt::format("gzip -6 -c {} > {}", input.string(), gz.string()));
  run(fmt::format("zstd -q -3 -c {} > {}", input.string(), zst.string()));

  for (const auto& [file, peer] :
       {std::pair{gz, std::string("gzip -dc")}, std::pair{zst, std::string("zstd -q -dc")}}) {
    std::string buffer(1 << 20, '\0');
    uint64_t bytes = 0;
    auto ours = [&] {
      auto source = ByteSource::open(file);
      bytes = 0;
      while (size_t n = source->read(buffer.data(), buffer.size())) bytes += n;
    };
    const std::string command = fmt::format("{} {} > /dev/null", peer, file.string());
    std::vector<double> ratios, ours_s, peer_s;
    for (int round = 0; round < 5; ++round) {
      double a = bench::thread_cpu_seconds(ours);
      double before = children_cpu_seconds();
      run(command);
      double b = children_cpu_seconds() - before;
      ratios.push_back(b / a);
      ours_s.push_back(a);
      peer_s.push_back(b);
    }
    if (bytes != std::filesystem::file_size(input)) {
      fail("{}: decompressed to {} bytes, the original has {}", file.string(), bytes,
           std::filesystem::file_size(input));
    }
    const double ratio = bench::median(ratios);
    const std::string name =
        fmt::format("decompress {}", compression_name(ByteSource::open(file)->compression()));
    bench::report(name.c_str(), fmt::format("{:.0f} MB/s", megabytes / bench::median(ours_s)),
                  fmt::format("{:.0f} MB/s {}", megabytes / bench::median(peer_s), peer), ratio,
                  "cuvee's decoder speed / the reference program's, CPU time, median of 5");
    bench::goal(name, ratio, 0.9, "decoding within 10% of the reference decoder");
  }
  return 0;
}
