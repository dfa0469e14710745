// Whole-file reads and writes for tests that write a file, tamper with it
// or read what a program wrote. Header-only so that a test links nothing
// for it.
//
// Test-only. Thread-safety: as the files they name (no shared state).
#ifndef CELLCHAIN_SERVICES_COMMON_TESTING_FILES_H_
#define CELLCHAIN_SERVICES_COMMON_TESTING_FILES_H_

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace cellchain::testing {

// The bytes of the file at `path`; "" when it cannot be read (the test's
// assertions on the contents then say what is missing).
inline std::string ReadFileOrEmpty(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Replaces the file at `path` with `data` (creating it).
inline void WriteFileBytes(const std::filesystem::path& path,
                           const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

}  // namespace cellchain::testing

#endif  // CELLCHAIN_SERVICES_COMMON_TESTING_FILES_H_
