#pragma once
// When a shock fires and what it does, named once for the scenario (which reads them) and the
// runs (which fire them); docs/model.md, "Shocks and triggers".
#include <array>
#include <cstdint>
#include <string_view>

#include "parley/model/names.hpp"

namespace parley::model {

// At a fixed round, after `count` rejections by an agent, once the front line is at or beyond a
// threshold, or when there is no deal by a round. The names are the scenario's trigger keys.
enum class ShockWhen : std::int8_t { round, rejections, front_above, front_below, no_deal_by };
// What it does to the parameter: takes the value, adds it, or multiplies it by it.
enum class ShockOp : std::int8_t { set, add, scale };

template <>
struct NameTable<ShockWhen> {
  static constexpr auto names = std::to_array<std::string_view>(
      {"round", "after_rejections", "front_above", "front_below", "no_deal_by"});
};
template <>
struct NameTable<ShockOp> {
  static constexpr auto names = std::to_array<std::string_view>({"set", "add", "scale"});
};

}  // namespace parley::model
