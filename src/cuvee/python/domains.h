// cuvee.Domains: tokenised domains opened once (memory-mapped Megatron .bin/.idx files), shared
// by the samplers and policies made from them. The object owns the maps; NumPy views of the
// tokens keep it alive.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cuvee/corpus/domain.h"

namespace cuvee::python {

class PyDomains {
 public:
  explicit PyDomains(const std::vector<std::filesystem::path>& paths);

  size_t size() const { return domains_.size(); }
  const std::vector<std::string>& names() const { return names_; }
  const Domain& at(size_t i) const { return *domains_[i]; }
  // The index of the named domain; an error listing the names if there is none.
  size_t index(const std::string& name) const;
  std::vector<uint64_t> train_tokens() const;

 private:
  std::vector<std::unique_ptr<Domain>> domains_;
  std::vector<std::string> names_;
};

}  // namespace cuvee::python
