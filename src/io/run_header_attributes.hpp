#pragma once
// Writing a run header into an HDF5 file and reading one from its attributes: private to
// parley_io (RunsFile writes, read_run_header and read_file_info read).
#include <hdf5.h>

#include <string>
#include <utility>
#include <vector>

#include "parley/io/run_header.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::io {

// The root attributes of a new file, marked incomplete with no run done.
void write_run_header(hid_t root, const scenario::Scenario& scenario, const RunHeader& header);
// The global attributes of the CF conventions every Parley file carries: Conventions, title (the
// scenario's title and what the file holds) and history (when and by which command).
void write_conventions(hid_t root, const scenario::Scenario& scenario, const std::string& holds,
                       const std::string& command_line);
// Adds text_crc32, the checksum of the text attributes written so far (call it last).
void seal_texts(hid_t root);
// Throws InvalidFile, naming the file, unless `attributes` (of a file of format 1.1 on) have a
// format_version this Parley reads and a text_crc32 that matches their texts.
void check_sealed(const std::string& path,
                  const std::vector<std::pair<std::string, std::string>>& attributes);
// Marks the file complete (or not) with `done` runs finished.
void mark_finished(hid_t root, bool complete, std::uint64_t done);
// The header from a file's attributes (as h5::attributes_as_text reads them); throws as
// read_run_header does.
StoredHeader header_from_attributes(const std::string& path,
                                    std::vector<std::pair<std::string, std::string>> attributes);

}  // namespace parley::io
