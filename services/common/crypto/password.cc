#include "services/common/crypto/password.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <charconv>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto/encoding.h"
#include "services/common/crypto/openssl_util.h"
#include "services/common/crypto/random.h"
#include "services/common/status/status.h"

namespace cellchain::crypto {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kMinSaltBytes = 8;  // For strings made elsewhere.
constexpr size_t kMaxSaltBytes = 64;
constexpr size_t kMaxDkLen = 1024;

struct KdfCtxDeleter {
  void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};

// Fetched once; the fetch is a locked lookup in the provider store.
EVP_KDF* ScryptKdf() {
  static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "SCRYPT", nullptr);
  return kdf;
}

absl::Status CheckParams(const ScryptParams& params) {
  if (params.log2_n < 1 || params.log2_n > 24) {
    return absl::InvalidArgumentError(
        absl::StrCat("scrypt log2(N) ", params.log2_n, " is not in [1, 24]"));
  }
  if (params.r < 1 || params.r > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("scrypt r ", params.r, " is not in [1, 64]"));
  }
  if (params.p < 1 || params.p > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("scrypt p ", params.p, " is not in [1, 64]"));
  }
  uint64_t memory = uint64_t{128} * params.r << params.log2_n;
  if (memory > kScryptMaxMemoryBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "scrypt N=2^", params.log2_n, ", r=", params.r, " needs ", memory,
        " bytes, more than the limit ", kScryptMaxMemoryBytes));
  }
  return absl::OkStatus();
}

// A decimal int with no sign, leading zero or trailing text.
bool ParseSmallInt(std::string_view text, int* out) {
  if (text.empty() || text.size() > 3 || (text[0] == '0' && text.size() > 1)) {
    return false;
  }
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t pos; (pos = text.find(sep, start)) != text.npos;
       start = pos + 1) {
    parts.push_back(text.substr(start, pos - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

absl::Status Malformed(absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed scrypt password hash: ", why));
}

// Parses "ln=15,r=8,p=1".
absl::Status ParseParams(std::string_view text, ScryptParams* params) {
  std::vector<std::string_view> parts = Split(text, ',');
  if (parts.size() != 3) return Malformed("expected ln=..,r=..,p=..");
  const std::pair<std::string_view, int*> fields[] = {
      {"ln=", &params->log2_n}, {"r=", &params->r}, {"p=", &params->p}};
  for (size_t i = 0; i < 3; ++i) {
    auto [key, value] = fields[i];
    if (parts[i].substr(0, key.size()) != key ||
        !ParseSmallInt(parts[i].substr(key.size()), value)) {
      return Malformed(
          absl::StrCat("bad parameter \"", ToAbsl(parts[i]), "\""));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> Scrypt(std::string_view password,
                                   std::string_view salt,
                                   const ScryptParams& params, size_t dk_len) {
  CC_RETURN_IF_ERROR(CheckParams(params));
  if (dk_len < 1 || dk_len > kMaxDkLen) {
    return absl::InvalidArgumentError(absl::StrCat(
        "scrypt output length ", dk_len, " is not in [1, ", kMaxDkLen, "]"));
  }
  if (ScryptKdf() == nullptr) {
    return internal::OpenSslError(absl::StatusCode::kInternal,
                                  "EVP_KDF_fetch(SCRYPT)");
  }
  std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter> ctx(EVP_KDF_CTX_new(ScryptKdf()));
  if (ctx == nullptr) {
    return internal::OpenSslError(absl::StatusCode::kInternal,
                                  "EVP_KDF_CTX_new");
  }
  uint64_t n = uint64_t{1} << params.log2_n;
  auto r = static_cast<uint32_t>(params.r);
  auto p = static_cast<uint32_t>(params.p);
  // OpenSSL needs 128*r*(N+2) bytes for V plus 128*r*p for B, and refuses
  // more than maxmem (default 32 MiB, just short of the defaults here).
  uint64_t maxmem = uint64_t{128} * r * (n + 2 + p);
  // OSSL_PARAM wants non-const pointers; OpenSSL copies and never writes.
  static char empty = 0;
  char* pass = password.empty() ? &empty : const_cast<char*>(password.data());
  char* salt_bytes = salt.empty() ? &empty : const_cast<char*>(salt.data());
  OSSL_PARAM kdf_params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, pass,
                                        password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_bytes,
                                        salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end(),
  };
  std::string out(dk_len, '\0');
  if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()),
                     out.size(), kdf_params) != 1) {
    return internal::OpenSslError(absl::StatusCode::kInternal,
                                  "scrypt derivation failed");
  }
  return out;
}

absl::StatusOr<std::string> HashPassword(std::string_view password,
                                         const ScryptParams& params) {
  if (params.hash_len < 16 || params.hash_len > 128) {
    return absl::InvalidArgumentError(absl::StrCat(
        "scrypt hash length ", params.hash_len, " is not in [16, 128]"));
  }
  CC_ASSIGN_OR_RETURN(std::string salt, RandomBytes(kSaltBytes));
  CC_ASSIGN_OR_RETURN(std::string hash,
                      Scrypt(password, salt, params, params.hash_len));
  return absl::StrCat("$scrypt$ln=", params.log2_n, ",r=", params.r,
                      ",p=", params.p, "$", Base64Encode(salt), "$",
                      Base64Encode(hash));
}

absl::StatusOr<bool> VerifyPassword(std::string_view password,
                                    std::string_view encoded) {
  // "$scrypt$ln=15,r=8,p=1$<salt>$<hash>" splits into
  // "", "scrypt", params, salt, hash.
  std::vector<std::string_view> parts = Split(encoded, '$');
  if (parts.size() != 5 || !parts[0].empty() || parts[1] != "scrypt") {
    return Malformed("expected $scrypt$ln=..,r=..,p=..$<salt>$<hash>");
  }
  ScryptParams params;
  CC_RETURN_IF_ERROR(ParseParams(parts[2], &params));
  absl::StatusOr<std::string> salt = Base64Decode(parts[3]);
  if (!salt.ok()) {
    return Malformed(absl::StrCat("salt: ", salt.status().message()));
  }
  absl::StatusOr<std::string> hash = Base64Decode(parts[4]);
  if (!hash.ok()) {
    return Malformed(absl::StrCat("hash: ", hash.status().message()));
  }
  if (salt->size() < kMinSaltBytes || salt->size() > kMaxSaltBytes) {
    return Malformed(absl::StrCat("salt of ", salt->size(), " bytes"));
  }
  if (hash->size() < 16 || hash->size() > 128) {
    return Malformed(absl::StrCat("hash of ", hash->size(), " bytes"));
  }
  if (absl::Status s = CheckParams(params); !s.ok()) {
    return Malformed(s.message());
  }
  CC_ASSIGN_OR_RETURN(std::string computed,
                      Scrypt(password, *salt, params, hash->size()));
  return ConstantTimeEquals(computed, *hash);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace cellchain::crypto
