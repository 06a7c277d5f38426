#pragma once
// The named purposes of a run's own random streams, besides its sampled parameters (each keyed
// by its scenario key) and its agents' Dirichlet weights ("agents.ID.weight"). A stream's id is
// a 32-bit hash of its name (random::purpose_id), so the sampler checks that no two purposes of
// a run share one: two that did would draw the same numbers.
#include <array>
#include <string_view>

namespace parley::engine::purpose {

inline constexpr std::string_view battlefield = "protocol.battlefield";
inline constexpr std::string_view mediator = "protocol.mediator";
inline constexpr std::string_view recognition = "protocol.recognition";
inline constexpr std::string_view beliefs = "protocol.beliefs";
inline constexpr std::string_view durability = "durability";
inline constexpr std::string_view posterior = "posterior";
inline constexpr std::string_view talks = "protocol.talks";
inline constexpr std::string_view ratification = "protocol.ratification";
inline constexpr std::string_view challenges = "protocol.challenges";

inline constexpr std::array kOfEveryRun{battlefield, mediator, recognition,  beliefs,   durability,
                                        posterior,   talks,    ratification, challenges};

}  // namespace parley::engine::purpose
