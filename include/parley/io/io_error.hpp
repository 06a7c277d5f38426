#pragma once
#include <stdexcept>
#include <string>

namespace parley::io {

// A failure to read or write a file (disk full, no permission...): exit code 1.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace parley::io
