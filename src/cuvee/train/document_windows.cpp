#include "cuvee/train/document_windows.h"

#include <algorithm>

#include "cuvee/core/error.h"

namespace cuvee {

std::vector<DocumentWindow> plan_windows(uint64_t document, uint64_t positions, uint64_t context,
                                         uint64_t stride) {
  if (stride < 1 || stride > context) {
    fail("--stride {}: expected 1 to the model's context ({})", stride, context);
  }
  std::vector<DocumentWindow> windows;
  uint64_t reached = 0;
  for (uint64_t begin = 0; reached < positions; begin += stride) {
    uint64_t end = std::min(begin + context, positions);
    windows.push_back({document, begin, end, reached});
    reached = end;
  }
  return windows;
}

uint64_t window_stride(const DocumentPassOptions& options, uint64_t context) {
  uint64_t stride = options.stride > 0 ? options.stride : std::max<uint64_t>(context / 2, 1);
  if (stride > context) {
    fail("--stride {}: expected 1 to the model's context ({})", stride, context);
  }
  return stride;
}

}  // namespace cuvee
