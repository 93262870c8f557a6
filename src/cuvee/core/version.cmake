# Writes OUT, the definitions behind version.h, from VERSION and the commit of the git checkout
# at SOURCE_DIR (none outside one). Run at every build; the file changes only when they do.
execute_process(
  # --match of no tag: the commit alone, whatever tags the repository has
  COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --abbrev=10 --match=NeVeR
  OUTPUT_VARIABLE CUVEE_COMMIT
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET
  RESULT_VARIABLE status)
# Only the source tree's own repository counts, not one it happens to sit in.
execute_process(
  COMMAND git -C "${SOURCE_DIR}" rev-parse --show-toplevel
  OUTPUT_VARIABLE toplevel
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET)
if(NOT status EQUAL 0 OR NOT toplevel)
  set(CUVEE_COMMIT "")
else()
  file(REAL_PATH "${toplevel}" toplevel)
  file(REAL_PATH "${SOURCE_DIR}" source)
  if(NOT toplevel STREQUAL source)
    set(CUVEE_COMMIT "")
  endif()
endif()
set(text "// Written by src/cuvee/core/version.cmake at build time.
#include \"cuvee/core/version.h\"

namespace cuvee {

std::string_view version() { return \"${VERSION}\"; }
std::string_view commit() { return \"${CUVEE_COMMIT}\"; }
std::string version_line() {
  std::string line = \"cuvee \" + std::string(version());
  if (!commit().empty()) line += \" (commit \" + std::string(commit()) + \")\";
  return line;
}

}  // namespace cuvee
")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE "${OUT}" "${text}")
endif()
