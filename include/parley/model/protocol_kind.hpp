#pragma once
// The protocols and their settings, named once for the scenario (which reads them) and the
// protocols (which run them). A protocol kind is a row of kProtocols: its name and what it
// takes; the loader's checks, the sampler's setting and describe read the row, so a new kind is
// an enum value, a row, its own files and one case of the dispatch (protocol/run_context.cpp).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "parley/model/names.hpp"

namespace parley::model {

enum class ProtocolKind : std::int8_t { mediated, alternating, nash, kalai, expected_utility };
// How the mediator revises its text (docs/model.md, "Mediated single negotiating text").
enum class Revision : std::int8_t { nash, weighted_mean };
// What the mediator knows of the parties' red lines (docs/model.md, "Private information and
// beliefs"): all of them; only the common prior of the private ends; or the prior updated by
// the parties' answers. And where it hears the answers: in separate sessions (each party gives
// its reason for a rejection) or at a joint table (everyone hears every yes and no, no reasons).
enum class Information : std::int8_t { complete, prior, learning };
enum class Sessions : std::int8_t { separate, joint };
// Who proposes under alternating offers: drawn with probabilities ∝ power, or in file order.
enum class Recognition : std::int8_t { power, order };
// Delegations of parties that negotiate together (docs/model.md, "Delegations"): how a
// delegation forms its joint position (the weighted Nash point of its members, or the weighted
// mean of their ideals), and how much the mediator weighs it (its members' power summed, or as
// much as its most powerful member: one seat at the table).
enum class JointPosition : std::int8_t { nash, mean };
enum class Voice : std::int8_t { sum, one };
// The expected-utility model (docs/model.md, "The expected-utility model"): how each actor's
// risk exponent is set (1 for all, or from its security against challenges), and the forecast
// from the final positions (the capability × salience weighted median or mean).
enum class Risk : std::int8_t { neutral, security };
enum class Forecast : std::int8_t { median, mean };
// Who wins a conflict (both sides gain by challenging): the side with the larger expected
// utility, or the challenger with its probability of success P_ij, drawn.
enum class Conflict : std::int8_t { larger, lottery };
// An agent's salience of an issue: its weight there over its largest weight (its first issue has
// salience 1), or its weight times its attention (its saliences sum to its attention: the share
// of all it cares about that the issues hold, as in Bueno de Mesquita's and KTAB's data).
enum class SalienceScale : std::int8_t { largest, attention };
// Where the challenges run: on every issue apart (the published model), or in the issue space,
// whole texts against whole texts.
enum class ChallengesOn : std::int8_t { issue, space };

template <>
struct NameTable<ProtocolKind> {
  static constexpr auto names = std::to_array<std::string_view>(
      {"mediated", "alternating", "nash", "kalai", "expected_utility"});
};
template <>
struct NameTable<Revision> {
  static constexpr auto names = std::to_array<std::string_view>({"nash", "weighted_mean"});
};
template <>
struct NameTable<Information> {
  static constexpr auto names = std::to_array<std::string_view>({"complete", "prior", "learning"});
};
template <>
struct NameTable<Sessions> {
  static constexpr auto names = std::to_array<std::string_view>({"separate", "joint"});
};
template <>
struct NameTable<Recognition> {
  static constexpr auto names = std::to_array<std::string_view>({"power", "order"});
};
template <>
struct NameTable<JointPosition> {
  static constexpr auto names = std::to_array<std::string_view>({"nash", "mean"});
};
template <>
struct NameTable<Voice> {
  static constexpr auto names = std::to_array<std::string_view>({"sum", "one"});
};
template <>
struct NameTable<Risk> {
  static constexpr auto names = std::to_array<std::string_view>({"neutral", "security"});
};
template <>
struct NameTable<Forecast> {
  static constexpr auto names = std::to_array<std::string_view>({"median", "mean"});
};
template <>
struct NameTable<Conflict> {
  static constexpr auto names = std::to_array<std::string_view>({"larger", "lottery"});
};
template <>
struct NameTable<ChallengesOn> {
  static constexpr auto names = std::to_array<std::string_view>({"issue", "space"});
};
template <>
struct NameTable<SalienceScale> {
  static constexpr auto names = std::to_array<std::string_view>({"largest", "attention"});
};

// What a protocol kind takes from a scenario.
struct ProtocolTraits {
  ProtocolKind kind;
  std::string_view title;    // how describe names it after its name
  bool mediator;             // a mediator agent writes the texts, from a first draft
  bool revision;             // the mediator's revision step (revision = "nash" | "weighted_mean")
  bool agenda;               // stages of issues negotiated in turn
  bool bracketing;           // the mediator sets aside the issue that blocks most
  bool issue_vetoes;         // a veto may hold for some issues only
  bool private_information;  // information = "prior" | "learning" applies
  bool chooses_sessions;     // separate or joint sessions (else a joint table)
  bool proposers;            // recognised proposers, a quota of the parties, a pie
  bool ceasefire_in_force;   // a ceasefire agreed before the talks
  bool rounds;               // talks in rounds: a known deadline, a collapse hazard
  bool side_payments;        // the mediator may attach side payments to its text
  bool disengagement;        // the mediator may leave the talks by choice
};

// One row per kind, in the order of ProtocolKind.
inline constexpr auto kProtocols = std::to_array<ProtocolTraits>({
    {ProtocolKind::mediated, " (single negotiating text)", true, true, true, true, true, true, true,
     false, true, true, true, true},
    {ProtocolKind::alternating, " offers", false, false, false, false, false, true, false, true,
     false, true, false, false},
    {ProtocolKind::nash, "", false, false, true, false, false, false, false, false, false, false,
     false, false},
    {ProtocolKind::kalai, "", false, false, true, false, false, false, false, false, false, false,
     false, false},
    {ProtocolKind::expected_utility, " (challenge model)", false, false, false, false, false, false,
     false, false, false, false, false, false},
});
static_assert(kProtocols.size() == NameTable<ProtocolKind>::names.size());
static_assert([] {
  for (std::size_t j = 0; j < kProtocols.size(); ++j) {
    if (kProtocols[j].kind != static_cast<ProtocolKind>(j)) return false;
  }
  return true;
}());

constexpr const ProtocolTraits& traits(ProtocolKind kind) {
  return kProtocols[static_cast<std::size_t>(kind)];
}

// The names of the kinds that take `what`, for messages: "\"a\", \"b\" or \"c\"".
inline std::string kinds_with(bool ProtocolTraits::*what) {
  std::string out;
  std::size_t left = 0;
  for (const ProtocolTraits& t : kProtocols) left += t.*what;
  for (const ProtocolTraits& t : kProtocols) {
    if (!(t.*what)) continue;
    --left;
    out += "\"" + std::string(name_of(t.kind)) + "\"" + (left > 1 ? ", " : left == 1 ? " or " : "");
  }
  return out;
}

}  // namespace parley::model
