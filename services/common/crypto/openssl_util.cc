#include "services/common/crypto/openssl_util.h"

#include <openssl/err.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace cellchain::crypto::internal {
namespace {

// Every entry of the thread's error queue, "; "-separated; empties the queue.
std::string DrainErrorQueue() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    absl::StrAppend(&text, text.empty() ? "" : "; ", buf);
  }
  return text;
}

}  // namespace

absl::Status OpenSslError(absl::StatusCode code, std::string_view what) {
  std::string queue = DrainErrorQueue();
  if (queue.empty()) return absl::Status(code, ToAbsl(what));
  return absl::Status(code,
                      absl::StrCat(ToAbsl(what), " (openssl: ", queue, ")"));
}

void DieOfOpenSslError(std::string_view what) {
  std::string queue = DrainErrorQueue();
  std::fprintf(stderr, "cellchain::crypto: fatal: %.*s (openssl: %s)\n",
               static_cast<int>(what.size()), what.data(), queue.c_str());
  std::abort();
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  if (size <= 0 || data == nullptr) return std::string();
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path,
                                          size_t max_bytes) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    int error = errno;
    return absl::ErrnoToStatus(error, absl::StrCat("cannot open ", path));
  }
  struct stat st;
  if (fstat(fileno(file), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(file);
    return absl::InvalidArgumentError(absl::StrCat(path, " is a directory"));
  }
  std::string content;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), file)) > 0) {
    content.append(buf, n);
    if (content.size() > max_bytes) {
      std::fclose(file);
      return absl::InvalidArgumentError(
          absl::StrCat(path, " is larger than ", max_bytes, " bytes"));
    }
  }
  int error = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (error != 0) {
    return absl::ErrnoToStatus(error, absl::StrCat("cannot read ", path));
  }
  return content;
}

}  // namespace cellchain::crypto::internal
