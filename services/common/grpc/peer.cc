#include "services/common/grpc/peer.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/auth_context.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "services/common/crypto/sha256.h"

namespace cellchain::grpcx {

std::string PeerSubject(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return "";
  std::vector<grpc::string_ref> values =
      auth->FindPropertyValues(GRPC_X509_SUBJECT_PROPERTY_NAME);
  if (values.empty()) return "";
  return std::string(values.front().data(), values.front().size());
}

std::string CertificateKeyFingerprint(std::string_view pem) {
  if (pem.empty() || pem.size() > 64 * 1024) return "";
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (bio == nullptr) return "";
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (cert == nullptr) return "";
  X509_PUBKEY* spki = X509_get_X509_PUBKEY(cert.get());
  if (spki == nullptr) return "";
  unsigned char* der = nullptr;
  int length = i2d_X509_PUBKEY(spki, &der);
  if (length <= 0 || der == nullptr) return "";
  std::string fingerprint = crypto::Sha256Hex(
      std::string_view(reinterpret_cast<const char*>(der), length));
  OPENSSL_free(der);
  return fingerprint;
}

std::string PeerKeyFingerprint(const grpc::AuthContext& auth) {
  std::vector<grpc::string_ref> values =
      auth.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (values.empty()) return "";
  std::string_view pem(values.front().data(), values.front().size());
  // The gate asks on every call, and parsing the certificate was 40 % of
  // cellchaind's CPU under load (docs/performance.md): the fingerprints of
  // the certificates seen are kept, keyed by the whole certificate (never
  // by the connection, whose objects' addresses are reused), a few hundred
  // workstations at most; past that the cache starts again.
  static absl::Mutex mu(absl::kConstInit);
  static auto* const known =
      new absl::flat_hash_map<std::string, std::string>();
  {
    absl::MutexLock lock(&mu);
    auto it = known->find(absl::string_view(pem.data(), pem.size()));
    if (it != known->end()) return it->second;
  }
  std::string fingerprint = CertificateKeyFingerprint(pem);
  absl::MutexLock lock(&mu);
  if (known->size() >= 1024) known->clear();
  known->emplace(std::string(pem), fingerprint);
  return fingerprint;
}

std::string PeerKeyFingerprint(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return "";
  return PeerKeyFingerprint(*auth);
}

std::string RequestIdOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kRequestIdHeader);
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace cellchain::grpcx
