// What every fuzz harness shares. A harness is one LLVMFuzzerTestOneInput: it hands the input
// to one of cuvee's parsers and checks the parser's contract for user input, which is that it
// either accepts the input or throws cuvee::Error with a message that names the file. Anything
// else is a finding and aborts: another exception type escaping, a crash, a sanitizer report,
// an allocation the input's size does not justify, or a broken round-trip property.
//
// Built two ways (tests/fuzz/CMakeLists.txt): with clang and -fsanitize=fuzzer for `make fuzz`,
// or with any compiler and seed_driver.cpp as main(), which runs the seeds and a fixed number of
// deterministic mutations of them (`make test`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cuvee/core/error.h"

namespace cuvee::fuzz {

// Reports a broken contract on stderr and aborts (libFuzzer then saves the input).
[[noreturn]] void finding(std::string_view what);

// Writes `bytes` to a file named `name` in this process's scratch folder (on tmpfs when
// /dev/shm is there) and returns its path. The folder is removed at exit.
std::filesystem::path scratch_file(const std::string& name, std::string_view bytes);

// The parts of an input that stands for several files or strings, separated by kPartSeparator
// (the seeds keep it on a line of its own, so they stay readable). At most `max_parts`: the
// last part keeps any further separators.
inline constexpr std::string_view kPartSeparator = "\n--8<--\n";
std::vector<std::string_view> split_parts(std::string_view data, size_t max_parts);

// How often expect_clean() saw its parse accepted and refused (seed_driver.cpp reports them, so a
// seed corpus that only reaches error paths shows).
struct Outcomes {
  uint64_t accepted = 0, refused = 0;
  bool print_refusals = false;  // seed_driver --verbose
};
Outcomes& outcomes();

// Runs `parse`. A cuvee::Error is an accepted answer to bad input if its message contains
// `must_name` (the file's name; empty: no requirement); any other exception is a finding.
template <typename Parse>
void expect_clean(std::string_view must_name, Parse&& parse) {
  try {
    parse();
    ++outcomes().accepted;
  } catch (const Error& error) {
    ++outcomes().refused;
    if (outcomes().print_refusals) std::fprintf(stderr, "refused: %s\n", error.what());
    std::string_view message = error.what();
    if (!must_name.empty() && message.find(must_name) == std::string_view::npos) {
      finding("error message does not name " + std::string(must_name) + ": " +
              std::string(message));
    }
  } catch (const std::exception& error) {
    finding(std::string("an exception other than cuvee::Error escaped: ") + error.what());
  }
}

// Aborts with `what` unless `condition` holds: for properties such as write-then-read.
inline void require(bool condition, std::string_view what) {
  if (!condition) finding(what);
}

}  // namespace cuvee::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
