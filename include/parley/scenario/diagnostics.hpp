#pragma once
// Located input errors: every problem names file:line:col, the key path, what is
// wrong and what is allowed, in one shape:
//   file:line:col: key.path: problem (allowed ...)
#include <stdexcept>
#include <string>
#include <vector>

namespace parley::scenario {

struct Location {
  std::string source;  // a file name, or "--set" for an override
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  Location where;
  std::string key;
  std::string problem;
  std::string allowed;  // may be empty

  std::string format() const;
};

// Thrown by the scenario loader with every problem found, not just the first.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }
  std::vector<std::string> messages() const;  // each diagnostic formatted, in order

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Levenshtein distance, for "did you mean" hints.
std::size_t edit_distance(const std::string& a, const std::string& b);
// The closest candidate within a small edit distance, or "" if none is close.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace parley::scenario
