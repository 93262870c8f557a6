#include "cuvee/core/huge_array.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;

size_t whole_pages(size_t bytes) {
  return (bytes + kHugePage - 1) / kHugePage * kHugePage;
}

}  // namespace

void* map_huge(size_t bytes) {
  if (bytes == 0) return nullptr;
  const size_t size = whole_pages(bytes);
  // One page more than asked, so that the start can be moved to a 2 MiB boundary (the kernel
  // backs only aligned 2 MiB ranges with huge pages); the unused ends are unmapped.
  void* raw = ::mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) fail("cannot map {} bytes of memory: {}", size, std::strerror(errno));
  auto start = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = (start + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
  if (aligned > start) ::munmap(raw, aligned - start);
  if (uintptr_t tail = start + size + kHugePage - (aligned + size); tail > 0) {
    ::munmap(reinterpret_cast<void*>(aligned + size), tail);
  }
  // Only a hint: without transparent huge pages the memory is ordinary pages.
  ::madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}

void unmap_huge(void* memory, size_t bytes) {
  if (memory != nullptr) ::munmap(memory, whole_pages(bytes));
}

}  // namespace cuvee
