// Internal helpers shared by the crypto library: OpenSSL error reporting,
// RAII owners for OpenSSL objects and a bounded file reader. Not part of the
// public API (crypto.h does not include this header).
//
// Thread-safety: everything here is safe to call concurrently; the OpenSSL
// error queue is thread-local.
#ifndef CELLCHAIN_SERVICES_COMMON_CRYPTO_OPENSSL_UTIL_H_
#define CELLCHAIN_SERVICES_COMMON_CRYPTO_OPENSSL_UTIL_H_

#include <openssl/bio.h>
#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::crypto::internal {

// A status of `code` whose message is `what` followed by the text of every
// entry of this thread's OpenSSL error queue. Empties the queue.
absl::Status OpenSslError(absl::StatusCode code, std::string_view what);

// For operations that cannot fail short of memory exhaustion or a broken
// OpenSSL installation: prints `what` and the error queue, then aborts.
[[noreturn]] void DieOfOpenSslError(std::string_view what);

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free(p); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

// The whole content of a memory BIO.
std::string BioContents(BIO* bio);

// Reads a file of at most `max_bytes`. Errors name the path:
//   NOT_FOUND          the file does not exist;
//   PERMISSION_DENIED  it cannot be read;
//   INVALID_ARGUMENT   it is a directory or larger than `max_bytes`;
//   other codes        other I/O errors (from errno).
absl::StatusOr<std::string> ReadSmallFile(const std::string& path,
                                          size_t max_bytes);

}  // namespace cellchain::crypto::internal

#endif  // CELLCHAIN_SERVICES_COMMON_CRYPTO_OPENSSL_UTIL_H_
