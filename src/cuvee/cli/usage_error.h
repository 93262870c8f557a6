// A command line that cannot work as given (options that conflict or are missing together):
// the program exits with status 2, as for the errors its option parser finds (main.cpp).
#pragma once

#include <utility>

#include <fmt/format.h>

#include "cuvee/core/error.h"

namespace cuvee::cli {

class UsageError : public Error {
 public:
  using Error::Error;
};

template <typename... Args>
[[noreturn]] void usage_error(fmt::format_string<Args...> format, Args&&... args) {
  throw UsageError(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace cuvee::cli
