// SHA-256 (FIPS 180-4) through OpenSSL 3 EVP, one-shot and incremental.
//
// These functions cannot fail in a working process: OpenSSL errors here mean
// memory exhaustion or a broken installation, and abort with a message.
//
// Thread-safety: the free functions are safe to call concurrently. A
// Sha256Hasher is not; give each thread its own.
#ifndef CELLCHAIN_SERVICES_COMMON_CRYPTO_SHA256_H_
#define CELLCHAIN_SERVICES_COMMON_CRYPTO_SHA256_H_

#include <openssl/types.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace cellchain::crypto {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);

// Lowercase hex of Sha256(data), 64 characters.
std::string Sha256Hex(std::string_view data);

// Hashes data given in pieces:
//   Sha256Hasher h;
//   h.Update(header);
//   h.Update(body);
//   Sha256Digest d = h.Finish();
// A moved-from hasher may only be destroyed or assigned to.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(Sha256Hasher&&) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&&) noexcept;
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view data);

  // The digest of everything given to Update since construction or the last
  // Finish. The hasher is then empty again and can be reused.
  Sha256Digest Finish();

 private:
  struct CtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const;
  };
  std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx_;
};

}  // namespace cellchain::crypto

#endif  // CELLCHAIN_SERVICES_COMMON_CRYPTO_SHA256_H_
