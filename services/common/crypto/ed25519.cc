#include "services/common/crypto/ed25519.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto/openssl_util.h"
#include "services/common/status/status.h"

namespace cellchain::crypto {
namespace {

using internal::BioPtr;
using internal::EvpMdCtxPtr;
using internal::EvpPkeyPtr;
using internal::OpenSslError;

// Key files are a few hundred bytes; the cap keeps a wrong path (a log file,
// /dev/zero) from being read whole.
constexpr size_t kMaxPemFileBytes = 64 * 1024;

// Non-null even for an empty view: OpenSSL treats a null buffer as absent.
const unsigned char* Bytes(std::string_view s) {
  static const unsigned char kEmpty = 0;
  return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

// Refuses to prompt: without this, OpenSSL asks on the terminal for the
// passphrase of an encrypted key.
int NoPassphrase(char*, int, int, void*) { return -1; }

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::string KeyTypeName(const EVP_PKEY* pkey) {
  const char* name = EVP_PKEY_get0_type_name(pkey);
  if (name == nullptr) name = OBJ_nid2sn(EVP_PKEY_get_id(pkey));
  return name != nullptr ? name : "unknown";
}

// Parses the first key of the wanted kind in `pem`. `source` names the input
// in messages.
absl::StatusOr<EvpPkeyPtr> ParsePemKey(std::string_view pem,
                                       const std::string& source,
                                       bool want_private) {
  const char* kind = want_private ? "private" : "public";
  if (!Contains(pem, "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": not PEM (no \"-----BEGIN\" line)"));
  }
  if (want_private && (Contains(pem, "ENCRYPTED PRIVATE KEY-----") ||
                       Contains(pem, "Proc-Type: 4,ENCRYPTED"))) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": encrypted private keys are not supported"));
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) {
    return OpenSslError(absl::StatusCode::kInternal, "BIO_new_mem_buf");
  }
  EvpPkeyPtr pkey(
      want_private
          ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr)
          : PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (pkey == nullptr) {
    std::string what = absl::StrCat(source, ": no readable ", kind, " key");
    if (want_private && Contains(pem, "-----BEGIN PUBLIC KEY")) {
      absl::StrAppend(&what, " (it holds a public key)");
    } else if (!want_private && Contains(pem, "PRIVATE KEY-----")) {
      absl::StrAppend(&what, " (it holds a private key)");
    }
    return OpenSslError(absl::StatusCode::kInvalidArgument, what);
  }
  if (!EVP_PKEY_is_a(pkey.get(), "ED25519")) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": ", KeyTypeName(pkey.get()), " ", kind,
                     " key, expected an Ed25519 key"));
  }
  return pkey;
}

absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  absl::StatusOr<std::string> content =
      internal::ReadSmallFile(path, kMaxPemFileBytes);
  if (!content.ok()) return Annotate(content.status(), "Ed25519 key file");
  return content;
}

absl::StatusOr<std::string> RawPublicKey(const EVP_PKEY* pkey) {
  std::string raw(kEd25519PublicKeySize, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(
          pkey, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 ||
      len != raw.size()) {
    return OpenSslError(absl::StatusCode::kInternal,
                        "cannot extract the Ed25519 public key");
  }
  return raw;
}

absl::StatusOr<std::string> PemOf(EVP_PKEY* pkey, bool private_key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr) return OpenSslError(absl::StatusCode::kInternal, "BIO");
  int ok = private_key ? PEM_write_bio_PrivateKey(bio.get(), pkey, nullptr,
                                                  nullptr, 0, nullptr, nullptr)
                       : PEM_write_bio_PUBKEY(bio.get(), pkey);
  if (ok != 1) {
    return OpenSslError(absl::StatusCode::kInternal,
                        "cannot encode Ed25519 key as PEM");
  }
  return internal::BioContents(bio.get());
}

}  // namespace

// ---------------------------------------------------------------------------
// Ed25519PublicKey

Ed25519PublicKey::Ed25519PublicKey(EVP_PKEY* pkey, std::string raw)
    : pkey_(pkey), raw_(std::move(raw)) {}

Ed25519PublicKey::Ed25519PublicKey(const Ed25519PublicKey& other)
    : pkey_(other.pkey_), raw_(other.raw_) {
  if (pkey_ != nullptr) EVP_PKEY_up_ref(pkey_);
}

Ed25519PublicKey& Ed25519PublicKey::operator=(const Ed25519PublicKey& other) {
  if (this != &other) *this = Ed25519PublicKey(other);
  return *this;
}

Ed25519PublicKey::Ed25519PublicKey(Ed25519PublicKey&& other) noexcept
    : pkey_(std::exchange(other.pkey_, nullptr)), raw_(std::move(other.raw_)) {}

Ed25519PublicKey& Ed25519PublicKey::operator=(
    Ed25519PublicKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(pkey_);
    pkey_ = std::exchange(other.pkey_, nullptr);
    raw_ = std::move(other.raw_);
  }
  return *this;
}

Ed25519PublicKey::~Ed25519PublicKey() { EVP_PKEY_free(pkey_); }

absl::StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromRaw(
    std::string_view raw) {
  if (raw.size() != kEd25519PublicKeySize) {
    return absl::InvalidArgumentError(absl::StrCat("an Ed25519 public key is ",
                                                   kEd25519PublicKeySize,
                                                   " bytes, got ", raw.size()));
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr,
                                                  Bytes(raw), raw.size());
  if (pkey == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "cannot load Ed25519 public key");
  }
  return Ed25519PublicKey(pkey, std::string(raw));
}

absl::StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromPkey(EVP_PKEY* pkey) {
  EvpPkeyPtr owned(pkey);
  CC_ASSIGN_OR_RETURN(std::string raw, RawPublicKey(pkey));
  return Ed25519PublicKey(owned.release(), std::move(raw));
}

absl::StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromPem(
    std::string_view pem) {
  CC_ASSIGN_OR_RETURN(EvpPkeyPtr pkey,
                      ParsePemKey(pem, "PEM", /*want_private=*/false));
  return FromPkey(pkey.release());
}

absl::StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromPemFile(
    const std::string& path) {
  CC_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(path));
  CC_ASSIGN_OR_RETURN(EvpPkeyPtr pkey,
                      ParsePemKey(pem, path, /*want_private=*/false));
  return FromPkey(pkey.release());
}

bool Ed25519PublicKey::Verify(std::string_view message,
                              std::string_view signature) const {
  if (pkey_ == nullptr || signature.size() != kEd25519SignatureSize) {
    return false;
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey_) == 1 &&
      EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(),
                       Bytes(message), message.size()) == 1;
  // A bad signature leaves an entry on the thread's queue; it must not be
  // blamed on whatever OpenSSL call this thread makes next.
  if (!ok) ERR_clear_error();
  return ok;
}

absl::StatusOr<std::string> Ed25519PublicKey::ToPem() const {
  return PemOf(pkey_, /*private_key=*/false);
}

// ---------------------------------------------------------------------------
// Ed25519PrivateKey

Ed25519PrivateKey::Ed25519PrivateKey(EVP_PKEY* pkey,
                                     Ed25519PublicKey public_key)
    : pkey_(pkey), public_key_(std::move(public_key)) {}

Ed25519PrivateKey::Ed25519PrivateKey(Ed25519PrivateKey&& other) noexcept
    : pkey_(std::exchange(other.pkey_, nullptr)),
      public_key_(std::move(other.public_key_)) {}

Ed25519PrivateKey& Ed25519PrivateKey::operator=(
    Ed25519PrivateKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(pkey_);
    pkey_ = std::exchange(other.pkey_, nullptr);
    public_key_ = std::move(other.public_key_);
  }
  return *this;
}

Ed25519PrivateKey::~Ed25519PrivateKey() { EVP_PKEY_free(pkey_); }

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromPkey(EVP_PKEY* pkey) {
  EvpPkeyPtr owned(pkey);
  CC_ASSIGN_OR_RETURN(std::string raw, RawPublicKey(pkey));
  CC_ASSIGN_OR_RETURN(Ed25519PublicKey public_key,
                      Ed25519PublicKey::FromRaw(raw));
  return Ed25519PrivateKey(owned.release(), std::move(public_key));
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::Generate() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (pkey == nullptr) {
    return OpenSslError(absl::StatusCode::kInternal,
                        "Ed25519 key generation failed");
  }
  return FromPkey(pkey);
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromSeed(
    std::string_view seed) {
  if (seed.size() != kEd25519SeedSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an Ed25519 seed is ", kEd25519SeedSize, " bytes, got ", seed.size()));
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr,
                                                   Bytes(seed), seed.size());
  if (pkey == nullptr) {
    return OpenSslError(absl::StatusCode::kInternal,
                        "cannot load Ed25519 seed");
  }
  return FromPkey(pkey);
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromPem(
    std::string_view pem) {
  CC_ASSIGN_OR_RETURN(EvpPkeyPtr pkey,
                      ParsePemKey(pem, "PEM", /*want_private=*/true));
  return FromPkey(pkey.release());
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromPemFile(
    const std::string& path) {
  CC_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(path));
  absl::StatusOr<EvpPkeyPtr> pkey =
      ParsePemKey(pem, path, /*want_private=*/true);
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!pkey.ok()) return pkey.status();
  return FromPkey(pkey->release());
}

absl::StatusOr<std::string> Ed25519PrivateKey::Sign(
    std::string_view message) const {
  if (pkey_ == nullptr) {
    return absl::FailedPreconditionError("Sign on a moved-from key");
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) {
    return OpenSslError(absl::StatusCode::kInternal, "EVP_MD_CTX_new");
  }
  std::string signature(kEd25519SignatureSize, '\0');
  size_t len = signature.size();
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_) != 1 ||
      EVP_DigestSign(ctx.get(),
                     reinterpret_cast<unsigned char*>(signature.data()), &len,
                     Bytes(message), message.size()) != 1 ||
      len != signature.size()) {
    return OpenSslError(absl::StatusCode::kInternal, "Ed25519 sign failed");
  }
  return signature;
}

absl::StatusOr<std::string> Ed25519PrivateKey::ToPem() const {
  return PemOf(pkey_, /*private_key=*/true);
}

absl::StatusOr<std::string> Ed25519PrivateKey::PublicKeyPem() const {
  return public_key_.ToPem();
}

}  // namespace cellchain::crypto
