// Import throughput (byte-level tokens): input MB/s against a raw read of the same file from
// the page cache — how close importing comes to the speed of merely reading the input — for
// input sizes from 1 MB up.
//
// A second floor is what import must write: the token file, two bytes per input byte (byte
// tokens are uint16), written and synced as import writes it (AtomicFile), measured on its own.
//
// Two figures per size: on one thread in process CPU seconds (what a core's worth of import
// costs, steady on a shared machine; the goal is set on this one), and on every core in wall
// seconds (what a user waits; only meaningful on a quiet machine). Medians of --rounds.
//
// Usage: bench_corpus_import [FILE.jsonl] [--rounds R]
#include <time.h>

#include <cstdio>

#include "bench_common.h"
#include "bench_text.h"
#include "cuvee/core/atomic_file.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/threads.h"
#include "cuvee/corpus/importer.h"

using namespace cuvee;

namespace {

double process_cpu_seconds(const std::function<void()>& fn) {
  timespec start{}, end{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
  fn();
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &end);
  return static_cast<double>(end.tv_sec - start.tv_sec) +
         1e-9 * static_cast<double>(end.tv_nsec - start.tv_nsec);
}

void read_input(const std::filesystem::path& input) {
  std::FILE* f = std::fopen(input.c_str(), "rb");
  std::vector<char> buffer(1 << 20);
  while (std::fread(buffer.data(), 1, buffer.size(), f) > 0) {
  }
  std::fclose(f);
}

// Writes `bytes` bytes to `path` as import writes its token files.
void write_output(const std::filesystem::path& path, size_t bytes) {
  AtomicFile file(path);
  std::vector<char> chunk(1 << 20, 'x');
  for (size_t done = 0; done < bytes; done += chunk.size()) {
    file.write(chunk.data(), std::min(chunk.size(), bytes - done));
  }
  file.commit();
}

// The first `bytes` of whole lines of `input`.
std::filesystem::path prefix_of(const std::filesystem::path& input, size_t bytes,
                                const std::filesystem::path& out) {
  std::FILE* in = std::fopen(input.c_str(), "rb");
  std::FILE* f = std::fopen(out.c_str(), "wb");
  std::vector<char> line(1 << 20);
  size_t written = 0;
  while (written < bytes && std::fgets(line.data(), static_cast<int>(line.size()), in) != nullptr) {
    written += std::fputs(line.data(), f) >= 0 ? std::strlen(line.data()) : 0;
  }
  std::fclose(f);
  std::fclose(in);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Progress::set_enabled(false);
  int rounds = 3;
  std::vector<char*> positional = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--rounds" && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else {
      positional.push_back(argv[i]);
    }
  }
  bench::Scratch scratch("import");
  auto input = bench::benchmark_jsonl(static_cast<int>(positional.size()), positional.data(),
                                      scratch.path(), 64 << 20);
  const size_t full = std::filesystem::file_size(input);
  const int threads = default_threads();
  fmt::print(
      "Import with byte tokens of {} ({:.0f} MB), against reading the file from the page "
      "cache; median of {} rounds\n",
      input.filename().string(), full / 1e6, rounds);
  fmt::print("{:>8} | {:>10} {:>10} {:>6} | {:>10} {:>10} {:>6}\n", "input", "1 thread", "read",
             "ratio", "all cores", "read", "ratio");
  double ratio = 0, write_ratio = 0;
  for (size_t size = 1 << 20;; size *= 4) {
    const bool last = 4 * size > full;
    auto file = last ? input : prefix_of(input, size, scratch.path() / "prefix.jsonl");
    const double megabytes = static_cast<double>(std::filesystem::file_size(file)) / 1e6;
    ImportOptions options;
    options.domain = "bench";
    options.out = scratch.path() / "out";
    options.inputs = {file};
    std::vector<double> one, read_cpu, write_cpu, all, read_wall;
    read_input(file);  // into the page cache
    for (int r = 0; r < rounds; ++r) {
      options.threads = 1;
      one.push_back(process_cpu_seconds([&] { import_domain(options); }));
      read_cpu.push_back(process_cpu_seconds([&] { read_input(file); }));
      write_cpu.push_back(process_cpu_seconds([&] {
        write_output(scratch.path() / "written.bin", 2 * static_cast<size_t>(megabytes * 1e6));
      }));
      options.threads = threads;
      all.push_back(bench::seconds([&] { import_domain(options); }));
      read_wall.push_back(bench::seconds([&] { read_input(file); }));
    }
    const double a = bench::median(one), b = bench::median(read_cpu), c = bench::median(all),
                 d = bench::median(read_wall), w = bench::median(write_cpu);
    fmt::print(
        "{:>6.1f}MB | {:>5.0f} MB/s {:>5.0f} MB/s {:>6.3f} {:>5.0f} MB/s {:>6.3f} | {:>5.0f} MB/s "
        "{:>5.0f} MB/s {:>6.3f}\n",
        megabytes, megabytes / a, megabytes / b, b / a, megabytes / w, w / a, megabytes / c,
        megabytes / d, d / c);
    write_ratio = w / a;
    ratio = b / a;
    if (last) {
      bench::report(fmt::format("import ({} threads)", threads).c_str(),
                    fmt::format("{:.0f} MB/s", megabytes / c),
                    fmt::format("{:.0f} MB/s read", megabytes / d), d / c,
                    "import speed / raw read speed of the input (wall clock)");
      break;
    }
  }
  bench::goal("import (1 thread) / read", ratio, 0.25,
              fmt::format("byte tokens, CPU seconds of one import thread vs of reading from the "
                          "page cache; writing the output alone: {:.3f} of import",
                          write_ratio));
  return 0;
}
