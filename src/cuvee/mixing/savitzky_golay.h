// Savitzky–Golay smoothing: each point replaced by the value at that point of the
// least-squares polynomial of degree `order` through the `window` points around it. Near the
// ends the window is the first (last) `window` points, so edge points are evaluated on the
// polynomial of the edge window (scipy.signal.savgol_filter's mode="interp", which ADO's
// released code uses).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace cuvee {

class SavitzkyGolay {
 public:
  // `window` odd and > order. A series shorter than the window is smoothed with the largest odd
  // window it holds, and left as it is if that is not above the order.
  SavitzkyGolay(size_t window, size_t order);

  // The smoothed value of series[index].
  double at(std::span<const double> series, size_t index) const;
  std::vector<double> smooth(std::span<const double> series) const;

 private:
  // Row `offset` of the hat matrix of a window of `width` points: the weights that give the
  // fitted polynomial's value at that offset.
  const std::vector<double>& weights(size_t width, size_t offset) const;

  size_t window_, order_;
  // Hat matrices by window width (the full window, and the shorter ones short series need),
  // computed on first use: one instance must not be shared between threads.
  mutable std::vector<std::vector<std::vector<double>>> hat_;
};

}  // namespace cuvee
