#pragma once
// One-shot axiomatic protocols (docs/model.md, "One-shot axiomatic protocols"): the text is the
// Nash bargaining solution (kind "nash") or the Kalai-Smorodinsky solution (kind "kalai") of the
// veto players over the texts within their red lines, with their first-round BATNAs as the
// disagreement point. Without a zone of agreement there is no deal.
#include "parley/protocol/run_context.hpp"

namespace parley::protocol {

void negotiate_axiomatic(const Run& run);

}  // namespace parley::protocol
