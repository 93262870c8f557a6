// main() for the fuzz harnesses when they are not built with libFuzzer (the ordinary build, any
// compiler): runs LLVMFuzzerTestOneInput on every seed file given, then on a fixed number of
// mutations of them. The mutations are a deterministic function of --seed, so a failure in
// `make test` reproduces exactly; the input that failed is saved in the working directory.
//
//   fuzz_NAME [--mutations N] [--seed S] [--dict FILE] [--max-len BYTES] [--verbose] PATH...
//
// PATH is a seed file or a folder of them; --verbose prints every refusal. --dict takes libFuzzer's
// dictionary format (one "token" per line, \xNN and \" escapes), the same file `make fuzz` gives
// libFuzzer.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_support.h"

namespace {

namespace fs = std::filesystem;

// The input being run, for the crash handler.
const std::string* g_current = nullptr;
std::string g_label;
std::string g_crash_path;

void on_crash(int signal) {
  if (g_current != nullptr) {
    int fd = ::open(g_crash_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ssize_t ignored = ::write(fd, g_current->data(), g_current->size());
      (void)ignored;
      ::close(fd);
    }
    const char* lines[] = {"seed_driver: failed on ", g_label.c_str(), "; input saved to ",
                           g_crash_path.c_str(), "\n"};
    for (const char* line : lines) {
      ssize_t ignored = ::write(2, line, std::strlen(line));
      (void)ignored;
    }
  }
  std::raise(signal);  // SA_RESETHAND: the default action now
}

// SplitMix64: small, and the same sequence everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0.
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }

 private:
  uint64_t state_;
};

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return std::move(buffer).str();
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// libFuzzer's dictionary format: [name=]"token" per line, # comments.
std::vector<std::string> read_dictionary(const fs::path& path) {
  std::vector<std::string> tokens;
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "seed_driver: cannot read dictionary %s\n", path.c_str());
    std::exit(2);
  }
  std::string line;
  while (std::getline(in, line)) {
    size_t open = line.find('"');
    size_t close = line.rfind('"');
    if (line.empty() || line[0] == '#' || open == std::string::npos || close <= open) continue;
    std::string token;
    for (size_t i = open + 1; i < close; ++i) {
      if (line[i] == '\\' && i + 1 < close) {
        char next = line[++i];
        if (next == 'x' && i + 2 < close && hex_digit(line[i + 1]) >= 0 &&
            hex_digit(line[i + 2]) >= 0) {
          token += static_cast<char>(hex_digit(line[i + 1]) * 16 + hex_digit(line[i + 2]));
          i += 2;
        } else {
          token += next;
        }
      } else {
        token += line[i];
      }
    }
    if (!token.empty()) tokens.push_back(token);
  }
  return tokens;
}

// Values that parsers get wrong: boundaries of integer types, non-finite and overlong numbers,
// and the characters that delimit fields in cuvee's formats.
const std::vector<std::string> kInterestingText = {"0",
                                                   "-1",
                                                   "1e999",
                                                   "-1e999",
                                                   "nan",
                                                   "inf",
                                                   "-0",
                                                   "1e-400",
                                                   "18446744073709551616",
                                                   "9223372036854775807",
                                                   "2147483648",
                                                   "4294967296",
                                                   "99999999999999999999999",
                                                   "\"",
                                                   "\\",
                                                   ",",
                                                   "\n",
                                                   "\r\n",
                                                   "\t",
                                                   "=",
                                                   ".",
                                                   "{",
                                                   "}",
                                                   "[",
                                                   "]",
                                                   "'",
                                                   "#",
                                                   "\xff",
                                                   "\xc3",
                                                   "\xed\xa0\x80",
                                                   std::string(1, '\0')};
const uint64_t kInterestingWords[] = {0,          1,          2,          0x7f,
                                      0x80,       0xff,       0x7fff,     0xffff,
                                      0x7fffffff, 0x80000000, 0xffffffff, 1ULL << 32,
                                      1ULL << 62, 1ULL << 63, ~0ULL,      (1ULL << 61) + 1};

class Mutator {
 public:
  Mutator(const std::vector<std::string>& seeds, std::vector<std::string> dictionary, uint64_t seed,
          size_t max_len)
      : seeds_(seeds), dictionary_(std::move(dictionary)), rng_(seed), max_len_(max_len) {}

  std::string mutate(const std::string& original) {
    std::string data = original;
    size_t operations = 1 + rng_.below(4);
    for (size_t i = 0; i < operations; ++i) apply(data);
    if (data.size() > max_len_) data.resize(max_len_);
    return data;
  }

 private:
  size_t position(const std::string& data) { return rng_.below(data.size() + 1); }

  void apply(std::string& data) {
    switch (rng_.below(10)) {
      case 0:  // flip a bit
        if (!data.empty()) data[rng_.below(data.size())] ^= static_cast<char>(1 << rng_.below(8));
        break;
      case 1:  // a random byte
        if (!data.empty()) data[rng_.below(data.size())] = static_cast<char>(rng_.next());
        break;
      case 2: {  // insert random bytes
        std::string bytes(1 + rng_.below(8), '\0');
        for (char& c : bytes) c = static_cast<char>(rng_.next());
        data.insert(position(data), bytes);
        break;
      }
      case 3: {  // delete a range
        if (data.empty()) break;
        size_t at = rng_.below(data.size());
        data.erase(at, 1 + rng_.below(std::min<size_t>(data.size() - at, 64)));
        break;
      }
      case 4: {  // duplicate a range elsewhere
        if (data.empty()) break;
        size_t at = rng_.below(data.size());
        std::string piece = data.substr(at, 1 + rng_.below(std::min<size_t>(data.size() - at, 64)));
        data.insert(position(data), piece);
        break;
      }
      case 5: {  // an interesting string, inserted or over a run of digits
        const auto& text = kInterestingText[rng_.below(kInterestingText.size())];
        size_t digit = data.find_first_of("0123456789", data.empty() ? 0 : rng_.below(data.size()));
        if (digit != std::string::npos && rng_.below(2) == 0) {
          size_t end = data.find_first_not_of("0123456789.eE+-", digit);
          data.replace(digit, (end == std::string::npos ? data.size() : end) - digit, text);
        } else {
          data.insert(position(data), text);
        }
        break;
      }
      case 6: {  // an interesting little-endian word over bytes (binary formats)
        uint64_t word = kInterestingWords[rng_.below(std::size(kInterestingWords))];
        size_t width = size_t{1} << rng_.below(4);
        if (data.size() < width) break;
        size_t at = rng_.below(data.size() - width + 1);
        std::memcpy(data.data() + at, &word, width);
        break;
      }
      case 7:  // a dictionary token
        if (!dictionary_.empty()) {
          data.insert(position(data), dictionary_[rng_.below(dictionary_.size())]);
        }
        break;
      case 8: {  // splice with another seed
        const auto& other = seeds_[rng_.below(seeds_.size())];
        size_t keep = position(data), from = rng_.below(other.size() + 1);
        data = data.substr(0, keep) + other.substr(from);
        break;
      }
      case 9:  // truncate
        data.resize(position(data));
        break;
    }
  }

  const std::vector<std::string>& seeds_;
  std::vector<std::string> dictionary_;
  Rng rng_;
  size_t max_len_;
};

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: fuzz_NAME [--mutations N] [--seed S] [--dict FILE] [--max-len BYTES] "
               "[--verbose] PATH...\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t mutations = 0, seed = 1;
  size_t max_len = 1 << 16;
  std::vector<std::string> dictionary;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (arg == "--mutations") {
      mutations = std::stoull(value());
    } else if (arg == "--seed") {
      seed = std::stoull(value());
    } else if (arg == "--max-len") {
      max_len = std::stoull(value());
    } else if (arg == "--verbose") {
      cuvee::fuzz::outcomes().print_refusals = true;
    } else if (arg == "--dict") {
      dictionary = read_dictionary(value());
    } else if (arg.starts_with("--")) {
      usage();
    } else if (fs::is_directory(arg)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else if (fs::is_regular_file(arg)) {
      files.emplace_back(arg);
    } else {
      std::fprintf(stderr, "seed_driver: %s: no such file or folder\n", arg.c_str());
      return 2;
    }
  }
  if (files.empty()) usage();
  std::sort(files.begin(), files.end());
  std::vector<std::string> seeds;
  for (const auto& file : files) seeds.push_back(read_bytes(file));

  g_crash_path = (fs::current_path() / ("crash-" + fs::path(argv[0]).filename().string())).string();
  // On a stack of its own, so that a stack overflow is reported (and its input saved) too.
  static std::vector<char> alternate_stack(1 << 16);
  stack_t stack{};
  stack.ss_sp = alternate_stack.data();
  stack.ss_size = alternate_stack.size();
  sigaltstack(&stack, nullptr);
  struct sigaction action {};
  action.sa_handler = on_crash;
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  for (int signal : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) sigaction(signal, &action, nullptr);

  for (size_t i = 0; i < seeds.size(); ++i) {
    g_label = "seed " + files[i].string();
    g_current = &seeds[i];
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(seeds[i].data()), seeds[i].size());
  }
  const auto from_seeds = cuvee::fuzz::outcomes();
  Mutator mutator(seeds, std::move(dictionary), seed, max_len);
  std::string input;
  for (uint64_t m = 0; m < mutations; ++m) {
    size_t from = static_cast<size_t>(m % seeds.size());
    input = mutator.mutate(seeds[from]);
    g_label = "mutation " + std::to_string(m) + " (--seed " + std::to_string(seed) + ") of " +
              files[from].string();
    g_current = &input;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  }
  g_current = nullptr;
  const auto all = cuvee::fuzz::outcomes();
  std::printf(
      "%s: %zu seeds and %llu mutations ran clean; parses accepted/refused: seeds %llu/%llu, "
      "mutations %llu/%llu\n",
      fs::path(argv[0]).filename().c_str(), seeds.size(),
      static_cast<unsigned long long>(mutations),
      static_cast<unsigned long long>(from_seeds.accepted),
      static_cast<unsigned long long>(from_seeds.refused),
      static_cast<unsigned long long>(all.accepted - from_seeds.accepted),
      static_cast<unsigned long long>(all.refused - from_seeds.refused));
  return 0;
}
