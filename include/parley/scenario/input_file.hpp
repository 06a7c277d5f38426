#pragma once
// Input files are hostile: a path may name a directory, a FIFO that never ends, a device such
// as /dev/zero, or a file larger than any input. Every file Parley reads (scenarios,
// observations, texts, sweep designs, and the HDF5 files it reads back) is first checked here.
#include <cstdint>
#include <optional>
#include <string>

namespace parley::scenario {

// The largest input text Parley reads (a scenario, observations, a text, a design): it is
// stored whole in the files it writes, as an attribute of at most this size.
inline constexpr std::uint64_t kMostInputBytes = std::uint64_t{1} << 26;  // 64 MiB

// Why `path` is not a regular file Parley may read ("a directory", "a FIFO (named pipe)", "a
// device", the system's reason where it cannot be examined), or nothing when it is one. A
// symbolic link is judged by its target; nothing is opened, so a FIFO does not block.
std::optional<std::string> not_a_regular_file(const std::string& path);

// The whole content of the regular file at `path`, of at most `most` bytes; std::nullopt with
// the reason in `why` (not a regular file, too large, the system's reason for a failed open or
// read: a read error is never taken for the end of the file). Every input text (scenario,
// observations, text, sweep design) is read through here.
std::optional<std::string> read_whole_file(const std::string& path, std::string& why,
                                           std::uint64_t most = kMostInputBytes);

}  // namespace parley::scenario
