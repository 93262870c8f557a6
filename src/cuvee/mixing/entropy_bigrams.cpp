#include "cuvee/mixing/entropy_bigrams.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>

#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"

namespace cuvee {
namespace {

constexpr uint64_t kInitialCapacity = 1 << 12;

// −Σ (c/N) log(c/N) = log N − (1/N) Σ c log c.
struct EntropySum {
  double sum_c_log_c = 0;
  uint64_t total = 0;
  void add(uint64_t c) {
    if (c == 0) return;
    double value = static_cast<double>(c);
    sum_c_log_c += value * std::log(value);
    total += c;
  }
  double entropy() const {
    if (total == 0) return 0;
    double n = static_cast<double>(total);
    return std::log(n) - sum_c_log_c / n;
  }
};

}  // namespace

BigramCounts::BigramCounts(BigramLimits limits) : limits_(limits) {
  if (limits_.max_exact == 0) fail("bigram limits: max_exact must be at least 1");
  if (!std::has_single_bit(limits_.buckets) || limits_.buckets < 2) {
    fail("bigram limits: buckets must be a power of 2 (at least 2), got {}", limits_.buckets);
  }
  slots_ = HugeArray<Slot>(kInitialCapacity, Slot{kEmpty, 0});
  shift_ = 64 - std::countr_zero(kInitialCapacity);
  bucket_shift_ = 64 - std::countr_zero(limits_.buckets);
}

uint64_t BigramCounts::bucket(uint64_t key) const {
  return mix64(key) >> bucket_shift_;
}

void BigramCounts::add(uint64_t key, uint64_t count) {
  total_ += count;
  if (hashed_) {
    buckets_[bucket(key)] += count;
  } else {
    insert_exact(key, count);
  }
}

void BigramCounts::add_each(std::span<const uint64_t> keys) {
  // Prefetch the slot of the key 64 inserts ahead (enough misses in flight to cover memory's
  // latency); a prefetch is only a hint, so one made stale by a growth of the table or the
  // switch to buckets costs nothing but the miss.
  constexpr size_t kAhead = 64;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i + kAhead < keys.size()) {
      uint64_t ahead = keys[i + kAhead];
      if (hashed_) {
        __builtin_prefetch(&buckets_[bucket(ahead)], 1);
      } else {
        __builtin_prefetch(&slots_[mix64(ahead) >> shift_], 1);
      }
    }
    add(keys[i]);
  }
}

void BigramCounts::insert_exact(uint64_t key, uint64_t count) {
  uint64_t mask = slots_.size() - 1;
  for (uint64_t slot = mix64(key) >> shift_;; slot = (slot + 1) & mask) {
    Slot& s = slots_[slot];
    if (s.key == key) {
      s.count += count;
      return;
    }
    if (s.key == kEmpty) {
      if (size_ + 1 > limits_.max_exact) {
        switch_to_hashed();
        buckets_[bucket(key)] += count;
        return;
      }
      s = Slot{key, count};
      ++size_;
      if (2 * size_ > slots_.size()) grow();
      return;
    }
  }
}

void BigramCounts::grow() {
  HugeArray<Slot> old(slots_.size() * 2, Slot{kEmpty, 0});
  old.swap(slots_);
  shift_ -= 1;
  const uint64_t mask = slots_.size() - 1;
  // The old slots are read in order but land at random in the new table: each insert's home
  // slot is prefetched kAhead inserts before it is written (without, a table of millions of
  // entries rehashes at one memory miss per entry).
  constexpr size_t kAhead = 64;
  std::array<std::pair<Slot, uint64_t>, kAhead> pending;
  size_t queued = 0;
  auto place = [&](const Slot& s, uint64_t slot) {
    while (slots_[slot].key != kEmpty) slot = (slot + 1) & mask;
    slots_[slot] = s;
  };
  for (const Slot& s : old) {
    if (s.key == kEmpty) continue;
    const uint64_t home = mix64(s.key) >> shift_;
    __builtin_prefetch(&slots_[home], 1);
    auto& entry = pending[queued++ % kAhead];
    if (queued > kAhead) place(entry.first, entry.second);
    entry = {s, home};
  }
  for (size_t i = queued > kAhead ? queued - kAhead : 0; i < queued; ++i) {
    place(pending[i % kAhead].first, pending[i % kAhead].second);
  }
}

void BigramCounts::switch_to_hashed() {
  buckets_ = HugeArray<uint64_t>(limits_.buckets, 0);
  for (const Slot& s : slots_) {
    if (s.key != kEmpty) buckets_[bucket(s.key)] += s.count;
  }
  hashed_ = true;
  slots_ = HugeArray<Slot>();
  size_ = 0;
}

void BigramCounts::merge(const BigramCounts& other) {
  if (!(other.limits_ == limits_)) fail("bigram counts with different limits cannot be merged");
  if (other.hashed_) {
    if (!hashed_) switch_to_hashed();
    for (uint64_t b = 0; b < other.buckets_.size(); ++b) buckets_[b] += other.buckets_[b];
    total_ += other.total_;
    return;
  }
  for (const Slot& s : other.slots_) {
    if (s.key != kEmpty) add(s.key, s.count);
  }
}

uint64_t BigramCounts::entries() const {
  if (!hashed_) return size_;
  return static_cast<uint64_t>(
      std::count_if(buckets_.begin(), buckets_.end(), [](uint64_t c) { return c > 0; }));
}

double BigramCounts::entropy() const {
  EntropySum sum;
  if (hashed_) {
    for (uint64_t c : buckets_) sum.add(c);
  } else {
    for (const Slot& s : slots_) {
      if (s.key != kEmpty) sum.add(s.count);
    }
  }
  return sum.entropy();
}

std::vector<std::pair<uint64_t, uint64_t>> BigramCounts::sorted_entries() const {
  std::vector<std::pair<uint64_t, uint64_t>> entries;
  if (hashed_) {
    for (uint64_t b = 0; b < buckets_.size(); ++b) {
      if (buckets_[b] > 0) entries.emplace_back(b, buckets_[b]);
    }
    return entries;
  }
  entries.reserve(size_);
  for (const Slot& s : slots_) {
    if (s.key != kEmpty) entries.emplace_back(s.key, s.count);
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

BigramCounts BigramCounts::from_entries(BigramLimits limits, bool hashed,
                                        const std::vector<std::pair<uint64_t, uint64_t>>& entries) {
  BigramCounts counts(limits);
  if (hashed) {
    counts.switch_to_hashed();
    for (const auto& [b, c] : entries) {
      if (b >= limits.buckets) fail("bigram bucket {} is beyond the {} buckets", b, limits.buckets);
      counts.buckets_[b] += c;
      counts.total_ += c;
    }
    return counts;
  }
  for (const auto& [key, c] : entries) counts.add(key, c);
  return counts;
}

}  // namespace cuvee
