#include "hdf5.hpp"

#include "parley/scenario/input_file.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "parley/io/io_error.hpp"

namespace parley::io::h5 {
namespace {

herr_t keep_innermost(unsigned, const H5E_error2_t* err, void* data) {
  auto* message = static_cast<std::string*>(data);
  if (message->empty() && err->desc) *message = err->desc;
  return 0;
}

// The innermost HDF5 message; where it reports a failed system call ("errno = 28, ..."),
// that error's own text ("No space left on device"), which is what a user can act on.
std::string hdf5_message() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &message);
  H5Eclear2(H5E_DEFAULT);
  if (const auto at = message.find("errno = "); at != std::string::npos) {
    const int code = std::atoi(message.c_str() + at + 8);
    if (code > 0) return std::strerror(code);
  }
  return message.empty() ? "HDF5 error" : message;
}

}  // namespace

void quiet_errors() {
  // Per thread: a thread-safe HDF5 keeps the error-printing setting per thread. Also, the
  // library's clean-up at exit is turned off: after a failed write (a full disk) it would
  // close the broken file again and crash, and Parley closes what it opens itself.
  thread_local bool quiet = false;
  if (quiet) return;
  H5dont_atexit();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  quiet = true;
}

void check(herr_t status, const std::string& what) {
  if (status < 0) throw IoError(what + ": " + hdf5_message());
}

Handle::Handle(hid_t id, Closer closer, const std::string& what) : id_(id), closer_(closer) {
  if (id < 0) throw IoError(what + ": " + hdf5_message());
}

Handle::~Handle() {
  if (id_ >= 0 && closer_) closer_(id_);
}

Handle::Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) {
  other.id_ = H5I_INVALID_HID;
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0 && closer_) closer_(id_);
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::close() {
  if (id_ < 0) return;
  const hid_t id = id_;
  id_ = H5I_INVALID_HID;
  check(closer_(id), "closing an HDF5 object");
}

template <>
hid_t native_type<std::int8_t>() {
  return H5T_NATIVE_INT8;
}
template <>
hid_t native_type<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
hid_t native_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}

Handle create_file(const std::string& path) {
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "file creation properties");
  check(H5Pset_obj_track_times(fcpl, false), "file creation properties");
  // The HDF5 1.10 file format: its superblock, object headers (and so every attribute and
  // compact dataset) and chunk indexes (fixed and extensible arrays, version-2 B-trees) carry
  // checksums that the library verifies on every read, so damaged metadata is refused rather
  // than parsed. (The 1.8 format indexes chunks with version-1 B-trees, which have none: a
  // damaged chunk size there made HDF5 allocate 4 GiB.) Readers from HDF5 1.10 on read it.
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "file access properties");
  check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_V110), "file access properties");
  return Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, fapl), H5Fclose,
                "cannot create the HDF5 file " + path);
}

namespace {

herr_t refuse_foreign_links(hid_t, const char* name, const H5L_info_t* info, void* data) {
  if (info->type == H5L_TYPE_HARD) return 0;
  *static_cast<std::string*>(data) = name;
  return 1;  // stops the walk
}

}  // namespace

Handle open_read_only(const std::string& path) {
  quiet_errors();
  if (const auto why = scenario::not_a_regular_file(path)) throw InvalidFile(path + ": " + *why);
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw InvalidFile(path + ": not an HDF5 file (or not readable)");
  }
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "cannot open " + path);
  // Parley writes only hard links. An external link would make every read follow it into
  // another file (or a FIFO that blocks forever), a soft link alias another object.
  std::string link;
  const herr_t walked = H5Lvisit(file, H5_INDEX_NAME, H5_ITER_NATIVE, refuse_foreign_links, &link);
  if (walked < 0) throw InvalidFile(path + ": its groups cannot be listed (a damaged file)");
  if (walked > 0) {
    throw InvalidFile(path + ": " + link +
                      " is an external or soft link (allowed: the objects themselves, as Parley "
                      "writes them)");
  }
  return file;
}

Handle create_group(hid_t parent, const std::string& name) {
  Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "group properties");
  check(H5Pset_obj_track_times(gcpl, false), "group properties");
  return Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose,
                "creating group " + name);
}

Handle create_dataset(hid_t parent, const std::string& name, hid_t type,
                      const std::vector<hsize_t>& dims, const DatasetOptions& options) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(),
                                options.max_dims.empty() ? nullptr : options.max_dims.data()),
               H5Sclose, "dataspace of " + name);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "dataset properties");
  check(H5Pset_obj_track_times(dcpl, false), "dataset properties");
  if (dims.empty()) {
    // A scalar lives in its object header, which carries a checksum.
    check(H5Pset_layout(dcpl, H5D_COMPACT), "layout of " + name);
  } else {
    // Every array is chunked (by default in one chunk) with a Fletcher-32 checksum per
    // chunk, which HDF5 verifies on every read: a damaged value is refused, never read.
    std::vector<hsize_t> chunk = options.chunk;
    if (chunk.empty()) {
      for (const hsize_t d : dims) chunk.push_back(std::max<hsize_t>(d, 1));
    }
    check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "chunking " + name);
    if (options.compress > 0) {
      check(H5Pset_shuffle(dcpl), "shuffle filter of " + name);
      check(H5Pset_deflate(dcpl, static_cast<unsigned>(options.compress)), "deflate of " + name);
    }
    check(H5Pset_fletcher32(dcpl), "checksum of " + name);
  }
  if (options.fill) check(H5Pset_fill_value(dcpl, type, options.fill), "fill value of " + name);
  // Parley writes whole chunks at a time, so a chunk cache would only hold memory.
  Handle dapl(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose, "dataset access properties");
  check(H5Pset_chunk_cache(dapl, 0, 0, 1.0), "chunk cache of " + name);
  return Handle(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, dcpl, dapl), H5Dclose,
                "creating dataset " + name);
}

void write_rows(hid_t dataset, hid_t memory_type, hsize_t first, hsize_t rows, const void* data) {
  quiet_errors();  // rows are written from the pipeline's threads
  Handle file_space(H5Dget_space(dataset), H5Sclose, "dataspace");
  const int rank = H5Sget_simple_extent_ndims(file_space);
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(file_space, dims, nullptr);
  hsize_t start[2] = {first, 0};
  hsize_t count[2] = {rows, rank > 1 ? dims[1] : 1};
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr),
        "selecting rows");
  Handle memory_space(H5Screate_simple(rank, count, nullptr), H5Sclose, "memory dataspace");
  check(H5Dwrite(dataset, memory_type, memory_space, file_space, H5P_DEFAULT, data),
        "writing rows");
}

void read_rows(hid_t dataset, hid_t memory_type, hsize_t first, hsize_t rows, hsize_t width,
               void* data, const std::string& what) {
  Handle file_space(H5Dget_space(dataset), H5Sclose, "dataspace");
  const int rank = H5Sget_simple_extent_ndims(file_space);
  const int want = width == 0 ? 1 : 2;
  if (rank != want) {
    throw InvalidFile(what + ": " + std::to_string(rank) +
                      " dimensions (allowed: " + std::to_string(want) + ")");
  }
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(file_space, dims, nullptr);
  if (width > 0 && dims[1] != width) {
    throw InvalidFile(what + ": " + std::to_string(dims[1]) +
                      " values per run (allowed: " + std::to_string(width) + ")");
  }
  if (first + rows > dims[0] || first + rows < first) {
    throw InvalidFile(what + ": " + std::to_string(dims[0]) + " rows, fewer than the " +
                      std::to_string(first + rows) + " the file's header promises");
  }
  {
    Handle type(H5Dget_type(dataset), H5Tclose, what + ": type");
    if (H5Tget_class(type) != H5Tget_class(memory_type)) {
      throw InvalidFile(what + std::string(": stored as ") +
                        (H5Tget_class(type) == H5T_FLOAT ? "floating point" : "another type") +
                        ", not the type Parley writes there");
    }
  }
  require_checksum(dataset, what);
  hsize_t start[2] = {first, 0};
  hsize_t count[2] = {rows, rank > 1 ? dims[1] : 1};
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr),
        "selecting rows");
  Handle memory_space(H5Screate_simple(rank, count, nullptr), H5Sclose, "memory dataspace");
  read_verified(dataset, memory_type, memory_space, file_space, data, what);
}

Handle open_exact(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims,
                  const std::string& what, const std::string& why) {
  if (H5Lexists(parent, name.c_str(), H5P_DEFAULT) <= 0) throw InvalidFile(what + " is missing");
  Handle d(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, what);
  Handle space(H5Dget_space(d), H5Sclose, what + ": dataspace");
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> stored(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space, stored.data(), nullptr);
  if (stored != dims) {
    auto shape = [](const std::vector<hsize_t>& v) {
      std::string out = "[";
      for (std::size_t j = 0; j < v.size(); ++j) out += (j ? ", " : "") + std::to_string(v[j]);
      return out + "]";
    };
    throw InvalidFile(what + ": shape " + shape(stored) + " (allowed: " + shape(dims) + ", " + why +
                      ")");
  }
  return d;
}

void require_checksum(hid_t dataset, const std::string& what) {
  Handle dcpl(H5Dget_create_plist(dataset), H5Pclose, what + ": properties");
  // Chunks of at most 64 MiB (Parley writes at most 1 MiB): HDF5 allocates a whole chunk to
  // read from it, so a file declaring larger ones is refused before it can ask for gigabytes.
  hsize_t chunk[H5S_MAX_RANK];
  const int rank =
      H5Pget_layout(dcpl) == H5D_CHUNKED ? H5Pget_chunk(dcpl, H5S_MAX_RANK, chunk) : -1;
  Handle type(H5Dget_type(dataset), H5Tclose, what + ": type");
  double bytes = static_cast<double>(H5Tget_size(type));
  for (int d = 0; d < rank; ++d) bytes *= static_cast<double>(chunk[d]);
  if (rank < 1 || bytes > 64.0 * 1024 * 1024) {
    H5Eclear2(H5E_DEFAULT);
    throw InvalidFile(what + ": not stored in chunks of at most 64 MiB, as Parley writes it");
  }
  unsigned flags = 0;
  std::size_t n = 0;
  unsigned config = 0;
  if (H5Pget_filter_by_id2(dcpl, H5Z_FILTER_FLETCHER32, &flags, &n, nullptr, 0, nullptr, &config) <
      0) {
    H5Eclear2(H5E_DEFAULT);
    throw InvalidFile(what +
                      ": has no checksum, so it cannot be verified (files of format 1.0, "
                      "written before checksums, cannot be resumed or merged: run again)");
  }
}

void read_verified(hid_t dataset, hid_t memory_type, hid_t memory_space, hid_t file_space,
                   void* data, const std::string& what) {
  if (H5Dread(dataset, memory_type, memory_space, file_space, H5P_DEFAULT, data) < 0) {
    throw InvalidFile(what + ": damaged, cannot be read (" + hdf5_message() + ")");
  }
}

void write_all(hid_t dataset, hid_t memory_type, const void* data) {
  check(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "writing a dataset");
}

void extend(hid_t dataset, const std::vector<hsize_t>& dims) {
  check(H5Dset_extent(dataset, dims.data()), "extending a dataset");
}

void write_block(hid_t dataset, hid_t memory_type, const std::vector<hsize_t>& start,
                 const std::vector<hsize_t>& count, const void* data) {
  Handle file_space(H5Dget_space(dataset), H5Sclose, "dataspace");
  check(
      H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
      "selecting a block");
  Handle memory_space(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                      H5Sclose, "memory dataspace");
  check(H5Dwrite(dataset, memory_type, memory_space, file_space, H5P_DEFAULT, data),
        "writing a block");
}

namespace {
// Fixed-length UTF-8 strings of `size` bytes, padded with NULs. Variable-length strings would
// sit on HDF5's global heap, which has no checksum, and whose damaged form HDF5 1.10 can loop on
// for ever; fixed-length ones sit in a checksummed object header or chunk.
Handle utf8_string_type(std::size_t size) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  check(H5Tset_size(type, std::max<std::size_t>(size, 1)), "string type");
  check(H5Tset_strpad(type, H5T_STR_NULLPAD), "string type");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "string type");
  return type;
}
}  // namespace

Handle write_strings(hid_t parent, const std::string& name,
                     const std::vector<std::string>& values) {
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  Handle type = utf8_string_type(width);
  Handle dataset = create_dataset(parent, name, type, {values.size()}, {});
  std::string packed(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i)
    packed.replace(i * width, values[i].size(), values[i]);
  if (!values.empty()) write_all(dataset, type, packed.data());
  // netCDF's convention, so that xarray reads the names as text rather than bytes.
  attr_string(dataset, "_Encoding", "utf-8");
  return dataset;
}

void attr_string(hid_t object, const std::string& name, const std::string& value) {
  Handle type = utf8_string_type(value.size());
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "attribute space");
  Handle attr(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "creating attribute " + name);
  std::string padded = value;
  padded.resize(std::max<std::size_t>(value.size(), 1), '\0');
  check(H5Awrite(attr, type, padded.data()), "writing attribute " + name);
}

void describe(hid_t object, const std::string& long_name, const std::string& unit) {
  attr_string(object, "long_name", long_name);
  if (unit.empty()) return;
  // The units Parley writes that UDUNITS-2 parses (udunits2 -H UNIT; tests/e2e/test_conventions).
  static constexpr const char* kUdunits[] = {"1",   "%",    "year", "years", "month", "months",
                                             "day", "days", "s",    "km",    "m",     "kg"};
  for (const char* known : kUdunits) {
    if (unit == known) {
      attr_string(object, "units", unit);
      return;
    }
  }
  attr_string(object, "units_note", unit);
}

void attr_int64(hid_t object, const std::string& name, std::int64_t value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "attribute space");
  Handle attr(H5Acreate2(object, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, "creating attribute " + name);
  check(H5Awrite(attr, H5T_NATIVE_INT64, &value), "writing attribute " + name);
}

void attr_double(hid_t object, const std::string& name, double value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "attribute space");
  Handle attr(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, "creating attribute " + name);
  check(H5Awrite(attr, H5T_NATIVE_DOUBLE, &value), "writing attribute " + name);
}

void attr_of_type(hid_t object, const std::string& name, hid_t type, const void* value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "attribute space");
  Handle attr(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "creating attribute " + name);
  check(H5Awrite(attr, type, value), "writing attribute " + name);
}

void attr_int32_array(hid_t object, const std::string& name,
                      const std::vector<std::int32_t>& values) {
  Handle space(H5Screate_simple(1, std::vector<hsize_t>{values.size()}.data(), nullptr), H5Sclose,
               "attribute space");
  Handle attr(H5Acreate2(object, name.c_str(), H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, "creating attribute " + name);
  check(H5Awrite(attr, H5T_NATIVE_INT32, values.data()), "writing attribute " + name);
}

void attr_int8_array(hid_t object, const std::string& name,
                     const std::vector<std::int8_t>& values) {
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "attribute space");
  Handle attr(H5Acreate2(object, name.c_str(), H5T_STD_I8LE, space, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, "creating attribute " + name);
  check(H5Awrite(attr, H5T_NATIVE_INT8, values.data()), "writing attribute " + name);
}

void make_scale(hid_t dataset, const std::string& dimension_name) {
  check(H5DSset_scale(dataset, dimension_name.c_str()), "dimension scale " + dimension_name);
}

void attach_scale(hid_t dataset, hid_t scale, unsigned dimension) {
  check(H5DSattach_scale(dataset, scale, dimension), "attaching a dimension scale");
}

namespace {

std::string attribute_text(hid_t object, const std::string& name) {
  h5::Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "attribute " + name);
  h5::Handle type(H5Aget_type(attr), H5Tclose, "attribute type");
  h5::Handle space(H5Aget_space(attr), H5Sclose, "attribute space");
  if (H5Tget_class(type) == H5T_STRING) {
    if (H5Tis_variable_str(type) > 0) {
      h5::Handle memory(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
      H5Tset_size(memory, H5T_VARIABLE);
      H5Tset_cset(memory, H5T_CSET_UTF8);
      char* value = nullptr;
      h5::check(H5Aread(attr, memory, &value), "reading attribute " + name);
      std::string out = value ? value : "";
      H5free_memory(value);
      return out;
    }
    // A text attribute is at most the size of a scenario file (and HDF5 reads no more than
    // the file holds); a larger size is a damaged header.
    const std::size_t size = H5Tget_size(type);
    if (size == 0 || size > (std::size_t{1} << 26) || H5Sget_simple_extent_npoints(space) != 1) {
      throw InvalidFile("attribute " + name + ": not a text of up to 64 MiB");
    }
    std::string out(size, '\0');
    h5::check(H5Aread(attr, type, out.data()), "reading attribute " + name);
    return out.c_str();
  }
  if (H5Sget_simple_extent_npoints(space) != 1) return "(array)";
  if (H5Tget_class(type) == H5T_INTEGER) {
    std::int64_t v = 0;
    h5::check(H5Aread(attr, H5T_NATIVE_INT64, &v), "reading attribute " + name);
    return std::to_string(v);
  }
  double v = 0.0;
  h5::check(H5Aread(attr, H5T_NATIVE_DOUBLE, &v), "reading attribute " + name);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);  // exact
  return buffer;
}

herr_t collect_attribute(hid_t object, const char* name, const H5A_info_t*, void* data) {
  auto* out = static_cast<std::vector<std::pair<std::string, std::string>>*>(data);
  out->emplace_back(name, attribute_text(object, name));
  return 0;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> attributes_as_text(hid_t object) {
  std::vector<std::pair<std::string, std::string>> out;
  hsize_t index = 0;
  check(H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_NATIVE, &index, collect_attribute, &out),
        "reading the attributes");
  return out;
}

void set_attr_int64(hid_t object, const std::string& name, std::int64_t value) {
  Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "attribute " + name);
  check(H5Awrite(attr, H5T_NATIVE_INT64, &value), "writing attribute " + name);
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace parley::io::h5
