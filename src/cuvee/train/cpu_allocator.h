// A caching allocator for libtorch's CPU tensors, like the one libtorch uses for CUDA.
//
// libtorch's CPU allocator returns every freed block to malloc. glibc serves blocks above its
// mmap threshold (at most 32 MiB) with fresh mmap()s and unmaps them on free, so a training
// step that allocates the same large activations and gradients every time pays a page fault
// for every 4 KiB of them, every step: on the demo model that was about a third of the step.
// (libtorch's own CPUCachingAllocator is built for mobile only and not installed; jemalloc
// with purging disabled gives the same effect but would change every allocation of the
// process.) Freed blocks of at least kMinCachedBytes are kept, keyed by their exact size, and
// handed out again for the next request of that size; smaller blocks go to malloc as before.
// Steps repeat their shapes, so the cache stops growing after the first step.
#pragma once

#include <cstddef>

namespace cuvee {

inline constexpr size_t kMinCachedBytes = size_t{1} << 20;

// Makes the caching allocator libtorch's CPU allocator for the rest of the process (tensors
// allocated before keep their own deleter). Idempotent and thread-safe.
void use_caching_cpu_allocator();

// Bytes held by the cache for reuse (freed by tensors, not yet handed out again).
size_t cached_cpu_bytes();

}  // namespace cuvee
