#pragma once
// One name table per enum: an enum whose values a scenario file writes by name specialises
// NameTable with its names in the order of its values, and every reader and writer of the name
// (the loader, describe, the files' attributes) goes through name_of and enum_of.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::model {

template <typename E>
struct NameTable;  // static constexpr std::array<std::string_view, N> names;

template <typename E>
constexpr std::string_view name_of(E value) {
  return NameTable<E>::names[static_cast<std::size_t>(value)];
}

template <typename E>
constexpr std::optional<E> enum_of(std::string_view name) {
  for (std::size_t j = 0; j < NameTable<E>::names.size(); ++j) {
    if (NameTable<E>::names[j] == name) return static_cast<E>(j);
  }
  return std::nullopt;
}

template <typename E>
std::vector<std::string> names_of() {
  return {NameTable<E>::names.begin(), NameTable<E>::names.end()};
}

}  // namespace parley::model
