#include "services/common/crypto/random.h"

#include <openssl/rand.h>

#include <climits>
#include <cstdint>

#include "absl/status/status.h"
#include "services/common/crypto/openssl_util.h"

namespace cellchain::crypto {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kIdChars = 26;  // ceil(128 / 5)

}  // namespace

absl::StatusOr<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  while (n > 0) {
    int chunk = n > INT_MAX ? INT_MAX : static_cast<int>(n);
    if (RAND_bytes(p, chunk) != 1) {
      return internal::OpenSslError(absl::StatusCode::kInternal,
                                    "RAND_bytes failed");
    }
    p += chunk;
    n -= static_cast<size_t>(chunk);
  }
  return out;
}

std::string RandomId(std::string_view prefix) {
  uint8_t bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    internal::DieOfOpenSslError("RAND_bytes for RandomId");
  }
  uint64_t hi = 0;
  uint64_t lo = 0;
  for (int i = 0; i < 8; ++i) hi = hi << 8 | bytes[i];
  for (int i = 8; i < 16; ++i) lo = lo << 8 | bytes[i];

  std::string id(prefix);
  id.push_back('_');
  id.resize(prefix.size() + 1 + kIdChars);
  // Emit 5 bits at a time from the least significant end of hi:lo.
  for (int i = kIdChars - 1; i >= 0; --i) {
    id[prefix.size() + 1 + i] = kCrockford[lo & 31];
    lo = lo >> 5 | hi << 59;
    hi >>= 5;
  }
  return id;
}

}  // namespace cellchain::crypto
