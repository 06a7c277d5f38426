#pragma once
// A table in the docs generated from the program's own table: the text between
// "<!-- generated: NAME -->" and "<!-- end generated -->" in a file under docs/ must be `want`
// exactly. With PARLEY_UPDATE_DOCS set, the file is rewritten with it instead.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace parley::testing {

inline void expect_generated(const std::string& doc_file, const std::string& name,
                             const std::string& want) {
  const std::string path = std::string(PARLEY_SOURCE_DIR) + "/" + doc_file;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string doc = text.str();
  const std::string begin = "<!-- generated: " + name + " -->\n";
  const auto a = doc.find(begin);
  const auto b = doc.find("<!-- end generated -->", a);
  ASSERT_NE(a, std::string::npos) << path << " has no " << begin;
  ASSERT_NE(b, std::string::npos) << path << ": " << name << " has no end";
  const std::size_t from = a + begin.size();
  if (doc.compare(from, b - from, want) != 0 && std::getenv("PARLEY_UPDATE_DOCS")) {
    doc.replace(from, b - from, want);
    std::ofstream(path, std::ios::binary) << doc;
    return;
  }
  EXPECT_EQ(doc.substr(from, b - from), want)
      << doc_file << ": regenerate the table " << name << " with PARLEY_UPDATE_DOCS=1 ctest";
}

}  // namespace parley::testing
