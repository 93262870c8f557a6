// The law registry: every mixing law by name, and make_law(). Kept apart from the interface
// (law.h) as SentencePiece keeps model_factory apart from model_interface: adding a law touches
// this registry and the law's own files, not the interface.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cuvee/laws/law.h"

namespace cuvee {

// The names make_law() accepts, in documentation order.
const std::vector<std::string>& law_names();
// Builds the law `name` for one loss domain; an error lists the known names.
std::unique_ptr<Law> make_law(std::string_view name, const LawContext& context);

}  // namespace cuvee
