#pragma once
#include <stdexcept>
#include <string>

namespace parley::io {

// A failure to read or write a file (disk full, no permission...): exit code 1.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A file that Parley reads back (a shard, a partial run, a stored summary) that is not what
// it claims to be: a dataset of the wrong shape or type, a value out of its range. Exit code 2:
// the input is at fault, as with a bad scenario.
class InvalidFile : public IoError {
 public:
  using IoError::IoError;
};

}  // namespace parley::io
