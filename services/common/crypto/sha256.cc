#include "services/common/crypto/sha256.h"

#include <openssl/evp.h>

#include "services/common/crypto/encoding.h"
#include "services/common/crypto/openssl_util.h"

namespace cellchain::crypto {
namespace {

// Fetched once: an explicit fetch per call (or the implicit one behind
// EVP_sha256()) costs a locked lookup in the provider store.
const EVP_MD* Sha256Md() {
  static EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) internal::DieOfOpenSslError("fetch SHA256");
    return fetched;
  }();
  return md;
}

void InitOrDie(EVP_MD_CTX* ctx) {
  if (EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr) != 1) {
    internal::DieOfOpenSslError("SHA-256 init");
  }
}

}  // namespace

Sha256Digest Sha256(std::string_view data) {
  Sha256Digest digest;
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &len, Sha256Md(),
                 nullptr) != 1 ||
      len != digest.size()) {
    internal::DieOfOpenSslError("SHA-256");
  }
  return digest;
}

std::string Sha256Hex(std::string_view data) {
  Sha256Digest digest = Sha256(data);
  return HexEncode(std::string_view(
      reinterpret_cast<const char*>(digest.data()), digest.size()));
}

void Sha256Hasher::CtxDeleter::operator()(EVP_MD_CTX* ctx) const {
  EVP_MD_CTX_free(ctx);
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) internal::DieOfOpenSslError("EVP_MD_CTX_new");
  InitOrDie(ctx_.get());
}

Sha256Hasher::~Sha256Hasher() = default;
Sha256Hasher::Sha256Hasher(Sha256Hasher&&) noexcept = default;
Sha256Hasher& Sha256Hasher::operator=(Sha256Hasher&&) noexcept = default;

void Sha256Hasher::Update(std::string_view data) {
  if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) {
    internal::DieOfOpenSslError("SHA-256 update");
  }
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest digest;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), digest.data(), &len) != 1 ||
      len != digest.size()) {
    internal::DieOfOpenSslError("SHA-256 final");
  }
  InitOrDie(ctx_.get());
  return digest;
}

}  // namespace cellchain::crypto
