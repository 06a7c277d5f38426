#pragma once
// What each side would take over fighting on, given the other terms of a text (docs/model.md,
// "The bargaining range"): an agent's reservation on the battlefield issue, the point where the
// text is worth exactly what it demands, and the positions of that issue every party whose
// consent the text needs would take over its BATNA.
#include <vector>

#include "parley/protocol/realization.hpp"

namespace parley::protocol {

// Agent i's reservation on issue b, the other terms as in text x: going from its ideal on b
// toward `toward` (the side the others pull to; toward the middle of the scale where `toward` is
// its ideal), the farthest position y such that the text with any position between the ideal and
// y on b is worth at least `demand` to it and crosses none of its red lines. That is the point
// where the text is worth exactly `demand`, or a red line's end, or the end of the scale. NaN: no
// such position (the text is worth less than `demand` even at its ideal on b, or crosses a red line
// on another issue). `scratch` and `cuts` are reused space.
double reservation(const model::Preferences& p, Index i, Index b, const Vector& x, double demand,
                   double toward, Vector& scratch, std::vector<double>& cuts);

// The bargaining range on issue b, the other terms as in text x: the length (unit scale) of the
// set of positions y of b at which every party whose consent the text with y on b needs
// (Setting::needs_consent) would take it over fighting on: u_i ≥ batna_i and none of its red
// lines crossed. On a discrete issue, the share of its options (texts the constraints forbid
// count as refused). 0: the range is empty.
double bargaining_range(const Setting& setting, const model::Preferences& p,
                        const Vector& status_quo, Index b, const Vector& x, const Vector& batna,
                        Vector& scratch, std::vector<double>& cuts);

}  // namespace parley::protocol
