#pragma once
// RAII handles and typed helpers over the HDF5 C API. Private to parley_io: the
// only place in Parley that includes HDF5.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "parley/io/io_error.hpp"

namespace parley::io::h5 {

// Owns one HDF5 identifier and closes it with the matching H5*close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer, const std::string& what);  // throws IoError if id < 0
  ~Handle();
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const noexcept { return id_; }
  operator hid_t() const noexcept { return id_; }  // NOLINT: the C API takes hid_t
  void close();  // throws IoError if closing fails (a flush can fail on a full disk)

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Throws IoError with HDF5's innermost message if status < 0.
void check(herr_t status, const std::string& what);
// Silences HDF5's own error printing; Parley reports errors itself.
void quiet_errors();

// A native memory type for T.
template <typename T>
hid_t native_type();

Handle create_file(const std::string& path);
// Opens a file Parley reads back, read-only, after checking that it is a regular file (not a
// FIFO, a device or a directory) and an HDF5 file, and that it holds no external or soft link
// (which reads would follow into other files). InvalidFile naming the file otherwise.
Handle open_read_only(const std::string& path);
Handle create_group(hid_t parent, const std::string& name);

// Every array is chunked and checksummed (Fletcher-32); a scalar is compact (in its object
// header, which has a checksum of its own).
struct DatasetOptions {
  std::vector<hsize_t> chunk;     // empty: one chunk
  int compress = 0;               // deflate level 0-9 (with shuffle)
  const void* fill = nullptr;     // fill value of the dataset's type
  std::vector<hsize_t> max_dims;  // empty: the dims (fixed); H5S_UNLIMITED: extendible
};
Handle create_dataset(hid_t parent, const std::string& name, hid_t type,
                      const std::vector<hsize_t>& dims, const DatasetOptions& options);

// Writes rows [first, first + rows) of a 1-D or 2-D dataset from contiguous memory.
void write_rows(hid_t dataset, hid_t memory_type, hsize_t first, hsize_t rows, const void* data);
void write_all(hid_t dataset, hid_t memory_type, const void* data);
// Grows an extendible dataset to `dims` (new elements hold the fill value).
void extend(hid_t dataset, const std::vector<hsize_t>& dims);
// The block [start, start + count) of a dataset from contiguous memory.
void write_block(hid_t dataset, hid_t memory_type, const std::vector<hsize_t>& start,
                 const std::vector<hsize_t>& count, const void* data);
// Rows [first, first + rows) of a dataset [run] (width 0) or [run, width] (width >= 1) into
// `data`; InvalidFile (naming `what`) when the dataset has another rank or width, too few
// rows, or a type of another class than `memory_type` (an integer for a float, say).
void read_rows(hid_t dataset, hid_t memory_type, hsize_t first, hsize_t rows, hsize_t width,
               void* data, const std::string& what);
// InvalidFile (naming `what`) unless the dataset is stored as Parley stores every array: in
// chunks of at most 64 MiB (HDF5 allocates a whole chunk to read from it), each with a
// Fletcher-32 checksum.
void require_checksum(hid_t dataset, const std::string& what);
// Dataset `name` of `parent`, which must exist with exactly the shape `dims`: InvalidFile
// "WHAT is missing", or "WHAT: shape [stored] (allowed: [dims], WHY)" where WHY says where the
// expected shape comes from.
Handle open_exact(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims,
                  const std::string& what, const std::string& why);
// H5Dread; a failure (a checksum that does not match, a damaged chunk) is InvalidFile naming
// `what`.
void read_verified(hid_t dataset, hid_t memory_type, hid_t memory_space, hid_t file_space,
                   void* data, const std::string& what);
// Runs `read` over a file Parley reads back; an HDF5 failure there (metadata that fails its
// checksum, an object that cannot be opened) is InvalidFile, and every InvalidFile names the
// file: exit 2, as for any input at fault.
template <typename Read>
auto reading(const std::string& path, Read&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const IoError& e) {  // InvalidFile included: every message names the file
    const std::string what = e.what();
    throw InvalidFile(what.rfind(path, 0) == 0 ? what : path + ": " + what);
  }
}
// A 1-D dataset of fixed-length UTF-8 strings (as long as the longest), marked for xarray
// with _Encoding = "utf-8".
Handle write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values);

void attr_string(hid_t object, const std::string& name, const std::string& value);
// CF description of a variable: `long_name`, and its unit as `units` where UDUNITS knows it
// ("1", "%", "years", ...), else as `units_note` ("utility", "index", "round", "$B", an issue's
// own unit), so that CF tools never meet a unit they cannot parse. No unit: neither.
void describe(hid_t object, const std::string& long_name, const std::string& unit);
void attr_int64(hid_t object, const std::string& name, std::int64_t value);
void attr_double(hid_t object, const std::string& name, double value);
// A scalar attribute of the dataset's own type (e.g. _FillValue), from one value of it.
void attr_of_type(hid_t object, const std::string& name, hid_t type, const void* value);
void attr_int32_array(hid_t object, const std::string& name,
                      const std::vector<std::int32_t>& values);
void attr_int8_array(hid_t object, const std::string& name, const std::vector<std::int8_t>& values);

// Every attribute of `object` as text (numbers in decimal, arrays as "(array)").
std::vector<std::pair<std::string, std::string>> attributes_as_text(hid_t object);
// Overwrites an existing scalar integer attribute.
void set_attr_int64(hid_t object, const std::string& name, std::int64_t value);
// The current time, "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_now();

void make_scale(hid_t dataset, const std::string& dimension_name);
void attach_scale(hid_t dataset, hid_t scale, unsigned dimension);

}  // namespace parley::io::h5
