#pragma once
// A share of a study's independent simulations, as one of several processes (MPI ranks)
// computes it: the processes split the items (negotiations, particles) into `parts` slices in
// order, each computes its own, and `gather` puts every slice in place in every process. Each
// item's result depends on its index alone, so the processes end with the one process's
// numbers, bit for bit. The default is one process: the whole range, nothing to gather.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace parley::engine {

struct Share {
  std::size_t part = 0, parts = 1;
  // values: `items` items of `width` numbers each, this share's slice filled in; on return every
  // slice is (every process calls it, with the same size).
  std::function<void(std::vector<double>& values, std::size_t width)> gather;
  // Whether `flag` is set in any process (every process calls it); default: this one's.
  std::function<bool(bool flag)> any;

  // This share's slice [first, last) of `items`: the first items % parts slices one longer.
  std::pair<std::size_t, std::size_t> range(std::size_t items) const {
    if (parts == 0 || part >= parts) {
      throw std::invalid_argument("share " + std::to_string(part) + " of " + std::to_string(parts));
    }
    const std::size_t base = items / parts, extra = items % parts;
    const std::size_t first = part * base + std::min(part, extra);
    return {first, first + base + (part < extra ? 1 : 0)};
  }
  void put_together(std::vector<double>& values, std::size_t width) const {
    if (gather) gather(values, width);
  }
  bool any_of(bool flag) const { return any ? any(flag) : flag; }
};

}  // namespace parley::engine
