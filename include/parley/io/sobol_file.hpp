#pragma once
// The "parley-sobol" HDF5 file: root attributes like a runs file and group `sobol` with
// first-order and total indices of P(agreement) and their bootstrap intervals, by factor.
#include <string>

#include "parley/engine/study/sobol.hpp"
#include "parley/io/atomic_file.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::io {

inline constexpr const char* kSobolFiletype = "parley-sobol";

// Written to a temporary file and renamed into place. Throws IoError.
void write_sobol_file(const std::string& path, const scenario::Scenario& scenario,
                      const engine::SobolResult& result, const std::string& command_line,
                      std::uint64_t seed, Overwrite overwrite);

}  // namespace parley::io
