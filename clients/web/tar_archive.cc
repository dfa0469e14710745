#include "clients/web/tar_archive.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cellchain::web {
namespace {

constexpr size_t kBlock = 512;

// `value` in octal, zero-padded to width-1 digits and a NUL.
void Octal(char* field, size_t width, uint64_t value) {
  const std::string digits =
      absl::StrFormat("%0*o", static_cast<int>(width - 1), value);
  std::memcpy(field, digits.data(), width - 1);
  field[width - 1] = '\0';
}

// The ustar header of `name` ('0' a file of `size` bytes, '5' a
// directory): the name split into prefix and name at a '/' when longer
// than 100 bytes.
absl::StatusOr<std::string> Header(const std::string& name, char type,
                                   uint64_t size, uint64_t mtime) {
  std::string block(kBlock, '\0');
  std::string prefix;
  std::string rest = name;
  if (rest.size() > 100) {
    const size_t slash = rest.rfind('/', std::min<size_t>(155, rest.size() - 2));
    if (slash == std::string::npos || slash == 0 ||
        rest.size() - slash - 1 > 100) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", name, "\" is too long a name for a tar archive"));
    }
    prefix = rest.substr(0, slash);
    rest = rest.substr(slash + 1);
  }
  char* h = block.data();
  std::memcpy(h, rest.data(), rest.size());                 // name[100]
  Octal(h + 100, 8, type == '5' ? 0755 : 0644);             // mode
  Octal(h + 108, 8, 0);                                     // uid
  Octal(h + 116, 8, 0);                                     // gid
  Octal(h + 124, 12, size);                                 // size
  Octal(h + 136, 12, mtime);                                // mtime
  std::memset(h + 148, ' ', 8);                             // chksum, blank
  h[156] = type;                                            // typeflag
  std::memcpy(h + 257, "ustar", 6);                         // magic "ustar\0"
  std::memcpy(h + 263, "00", 2);                            // version
  std::memcpy(h + 345, prefix.data(), prefix.size());       // prefix[155]
  unsigned int sum = 0;
  for (unsigned char c : block) sum += c;
  Octal(h + 148, 7, sum);  // six digits, NUL, then the space left above
  return block;
}

}  // namespace

absl::StatusOr<std::string> TarDirectory(const std::string& dir,
                                         const std::string& top) {
  namespace fs = std::filesystem;
  std::error_code error;
  std::vector<fs::path> paths;
  for (fs::recursive_directory_iterator it(dir, error), end;
       !error && it != end; it.increment(error)) {
    paths.push_back(it->path());
  }
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot list ", dir, ": ", error.message()));
  }
  std::sort(paths.begin(), paths.end());
  const uint64_t mtime = static_cast<uint64_t>(std::time(nullptr));
  std::string tar;
  absl::StatusOr<std::string> header = Header(top + "/", '5', 0, mtime);
  if (!header.ok()) return header.status();
  tar += *header;
  for (const fs::path& path : paths) {
    const std::string name =
        absl::StrCat(top, "/", fs::relative(path, dir).generic_string());
    const fs::file_status status = fs::symlink_status(path);
    if (fs::is_directory(status)) {
      header = Header(name + "/", '5', 0, mtime);
      if (!header.ok()) return header.status();
      tar += *header;
      continue;
    }
    if (!fs::is_regular_file(status)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path.string(), " is neither a file nor a directory"));
    }
    std::ifstream file(path, std::ios::binary);
    std::ostringstream content;
    content << file.rdbuf();
    if (!file.is_open() || file.bad()) {
      return absl::InternalError(absl::StrCat("cannot read ", path.string()));
    }
    const std::string bytes = content.str();
    header = Header(name, '0', bytes.size(), mtime);
    if (!header.ok()) return header.status();
    tar += *header;
    tar += bytes;
    tar.append((kBlock - bytes.size() % kBlock) % kBlock, '\0');
  }
  tar.append(2 * kBlock, '\0');  // the end of the archive
  return tar;
}

}  // namespace cellchain::web
