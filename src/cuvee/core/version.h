// cuvee's version: the release number of CMakeLists.txt's project() and, when built from a git
// checkout, the commit it was built from (with "-dirty" if the tree had changes). The source
// behind this header is written by the build (version.cmake), so the commit is the one built,
// not the one configured.
#pragma once

#include <string>
#include <string_view>

namespace cuvee {

std::string_view version();  // "0.1.0"
std::string_view commit();   // "ac6d319e1f", "ac6d319e1f-dirty", or "" outside a git checkout
std::string version_line();  // "cuvee 0.1.0 (commit ac6d319e1f)"

}  // namespace cuvee
