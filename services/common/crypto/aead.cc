#include "services/common/crypto/aead.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/crypto/encoding.h"
#include "services/common/crypto/openssl_util.h"
#include "services/common/crypto/random.h"
#include "services/common/status/status.h"

namespace cellchain::crypto {
namespace {


constexpr char kPrefix[] = "cf1.";
constexpr char kAadDomain[] = "cellchain.field.v1";
constexpr size_t kMaxKeyFile = 64 * 1024;

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

absl::Status CheckSizes(std::string_view key, std::string_view nonce) {
  if (key.size() != kAes256KeySize) {
    return absl::InvalidArgumentError("AES-256 needs a 32-byte key");
  }
  if (nonce.size() != kGcmNonceSize) {
    return absl::InvalidArgumentError("GCM needs a 12-byte nonce");
  }
  return absl::OkStatus();
}

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Runs the GCM steps common to both directions up to the payload.
absl::StatusOr<CipherCtxPtr> Start(std::string_view key, std::string_view nonce,
                                   std::string_view aad, bool encrypt) {
  CC_RETURN_IF_ERROR(CheckSizes(key, nonce));
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) {
    return internal::OpenSslError(absl::StatusCode::kInternal,
                                  "EVP_CIPHER_CTX_new");
  }
  int len = 0;
  if (EVP_CipherInit_ex2(ctx.get(), EVP_aes_256_gcm(), U(key), U(nonce),
                         encrypt ? 1 : 0, nullptr) != 1 ||
      (!aad.empty() &&
       EVP_CipherUpdate(ctx.get(), nullptr, &len, U(aad),
                        static_cast<int>(aad.size())) != 1)) {
    return internal::OpenSslError(absl::StatusCode::kInternal,
                                  "AES-256-GCM init");
  }
  return ctx;
}

std::string Aad(std::string_view key_id, std::string_view context) {
  std::string aad(kAadDomain);
  aad.push_back('\0');
  aad.append(key_id);
  aad.push_back('\0');
  aad.append(context);
  return aad;
}

bool IsKeyId(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> Aes256GcmSeal(std::string_view key,
                                          std::string_view nonce,
                                          std::string_view plaintext,
                                          std::string_view aad) {
  CC_ASSIGN_OR_RETURN(CipherCtxPtr ctx, Start(key, nonce, aad, true));
  std::string out(plaintext.size() + kGcmTagSize, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  int total = 0;
  if (!plaintext.empty() &&
      EVP_CipherUpdate(ctx.get(), o, &len, U(plaintext),
                       static_cast<int>(plaintext.size())) != 1) {
    return internal::OpenSslError(absl::StatusCode::kInternal,
                                  "AES-256-GCM encrypt");
  }
  total = len;
  if (EVP_CipherFinal_ex(ctx.get(), o + total, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagSize,
                          o + plaintext.size()) != 1) {
    return internal::OpenSslError(absl::StatusCode::kInternal,
                                  "AES-256-GCM final");
  }
  return out;
}

absl::StatusOr<std::string> Aes256GcmOpen(std::string_view key,
                                          std::string_view nonce,
                                          std::string_view sealed,
                                          std::string_view aad) {
  if (sealed.size() < kGcmTagSize) {
    return absl::InvalidArgumentError("sealed value shorter than its tag");
  }
  CC_ASSIGN_OR_RETURN(CipherCtxPtr ctx, Start(key, nonce, aad, false));
  size_t n = sealed.size() - kGcmTagSize;
  std::string out(n, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  if (n > 0 && EVP_CipherUpdate(ctx.get(), o, &len, U(sealed),
                                static_cast<int>(n)) != 1) {
    return internal::OpenSslError(absl::StatusCode::kInternal,
                                  "AES-256-GCM decrypt");
  }
  std::string tag(sealed.substr(n));
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagSize,
                          tag.data()) != 1) {
    return internal::OpenSslError(absl::StatusCode::kInternal,
                                  "AES-256-GCM tag");
  }
  if (EVP_CipherFinal_ex(ctx.get(), o + len, &len) != 1) {
    ERR_clear_error();
    return absl::DataLossError(
        "AES-256-GCM: the tag does not verify (changed, or another key or "
        "context)");
  }
  return out;
}

absl::StatusOr<FieldCipher> FieldCipher::Create(std::vector<Key> keys,
                                                std::string current_id) {
  if (keys.empty()) return InvalidField("keys", "no encryption key");
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!IsKeyId(keys[i].id)) {
      return InvalidField("keys", absl::StrCat("key id \"", keys[i].id,
                                               "\" is not 1 to 32 of "
                                               "[a-z0-9_-]"));
    }
    if (keys[i].bytes.size() != kAes256KeySize) {
      return InvalidField("keys", absl::StrCat("key ", keys[i].id,
                                               " is not 32 bytes"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (keys[j].id == keys[i].id) {
        return InvalidField("keys",
                            absl::StrCat("key id ", keys[i].id, " twice"));
      }
    }
  }
  FieldCipher cipher(std::move(keys), std::move(current_id));
  if (cipher.Find(cipher.current_id_) == nullptr) {
    return InvalidField("keys", absl::StrCat("no key \"", cipher.current_id_,
                                             "\" to encrypt with"));
  }
  return cipher;
}

absl::StatusOr<FieldCipher> FieldCipher::FromKeyFile(const std::string& path) {
  CC_ASSIGN_OR_RETURN(std::string text,
                      internal::ReadSmallFile(path, kMaxKeyFile));
  std::vector<Key> keys;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> parts =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    absl::StatusOr<std::string> bytes =
        parts.size() == 2
            ? Base64Decode(std::string_view(parts[1].data(), parts[1].size()))
            : absl::InvalidArgumentError("shape");
    if (!bytes.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", line_no, ": expected \"<id> <base64 of 32 bytes>\""));
    }
    keys.push_back({std::string(parts[0]), *std::move(bytes)});
  }
  std::string current = keys.empty() ? "" : keys.back().id;
  absl::StatusOr<FieldCipher> cipher = Create(std::move(keys), current);
  if (!cipher.ok()) return Annotate(cipher.status(), path);
  return cipher;
}

const FieldCipher::Key* FieldCipher::Find(std::string_view id) const {
  for (const Key& key : keys_) {
    if (key.id == id) return &key;
  }
  return nullptr;
}

absl::StatusOr<std::string> FieldCipher::Encrypt(
    std::string_view plaintext, std::string_view context) const {
  const Key* key = Find(current_id_);
  CC_ASSIGN_OR_RETURN(std::string nonce, RandomBytes(kGcmNonceSize));
  CC_ASSIGN_OR_RETURN(
      std::string sealed,
      Aes256GcmSeal(key->bytes, nonce, plaintext, Aad(key->id, context)));
  return absl::StrCat(kPrefix, key->id, ".", Base64Encode(nonce + sealed));
}

std::string FieldCipher::KeyIdOf(std::string_view sealed) {
  if (!sealed.starts_with(kPrefix)) return "";
  std::string_view rest = sealed.substr(sizeof(kPrefix) - 1);
  size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return "";
  return std::string(rest.substr(0, dot));
}

absl::StatusOr<std::string> FieldCipher::Decrypt(
    std::string_view sealed, std::string_view context) const {
  std::string id = KeyIdOf(sealed);
  if (id.empty()) {
    return absl::InvalidArgumentError("not a sealed value (cf1.<key>.<data>)");
  }
  const Key* key = Find(id);
  if (key == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("sealed with key \"", id, "\", which is not loaded"));
  }
  absl::StatusOr<std::string> raw =
      Base64Decode(sealed.substr(sizeof(kPrefix) - 1 + id.size() + 1));
  if (!raw.ok() || raw->size() < kGcmNonceSize + kGcmTagSize) {
    return absl::InvalidArgumentError("sealed value is not valid base64 data");
  }
  std::string_view data(*raw);
  return Aes256GcmOpen(key->bytes, data.substr(0, kGcmNonceSize),
                       data.substr(kGcmNonceSize), Aad(id, context));
}

absl::StatusOr<std::string> FieldCipher::Reseal(
    std::string_view sealed, std::string_view context) const {
  CC_ASSIGN_OR_RETURN(std::string plain, Decrypt(sealed, context));
  if (KeyIdOf(sealed) == current_id_) return std::string(sealed);
  return Encrypt(plain, context);
}

}  // namespace cellchain::crypto
