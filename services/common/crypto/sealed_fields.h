// Sealed identifying fields: the identifying values of one record (a
// donor's, a trial patient's) each sealed with a FieldCipher for a context
// that binds it to its record and its field, so that a sealed value moved
// to another record or field does not open; and opened again only where the
// service shows them on an audited request.
//
//   SealFields  every value that is not empty sealed, in order; nullopt for
//               an empty one (the record says it was not recorded);
//   OpenFields  every sealed value that is not empty opened into its output.
//
// `context(field)` is the record's context for a field (dose:
// "patient/<subject>/<field>", donor: "donor/<code>/<field>"), `fields` the
// fields' names in the order of the values. One way for every service that
// seals what identifies a person, so that a refusal never shows a value.
//
// Header-only. Thread-safety: as FieldCipher (its const methods are safe
// to call concurrently).
#ifndef CELLCHAIN_SERVICES_COMMON_CRYPTO_SEALED_FIELDS_H_
#define CELLCHAIN_SERVICES_COMMON_CRYPTO_SEALED_FIELDS_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto/aead.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::crypto {

using FieldContext = absl::FunctionRef<std::string(std::string_view field)>;

// INTERNAL when OpenSSL or the random source fails (FieldCipher::Encrypt).
template <size_t N>
absl::StatusOr<std::array<std::optional<std::string>, N>> SealFields(
    const FieldCipher& cipher, const std::array<const char*, N>& fields,
    const std::array<const std::string*, N>& values, FieldContext context) {
  std::array<std::optional<std::string>, N> sealed;
  for (size_t i = 0; i < N; ++i) {
    if (values[i]->empty()) continue;
    absl::StatusOr<std::string> one =
        cipher.Encrypt(*values[i], context(fields[i]));
    if (!one.ok()) return one.status();
    sealed[i] = std::move(*one);
  }
  return sealed;
}

// FAILED_PRECONDITION `reason` when a value does not open: "the <whose>'s
// <field> cannot be decrypted (key "<id>": <why>)" — the key id and the
// failure, never the value. Outputs of values not sealed are left as they
// are.
template <size_t N>
absl::Status OpenFields(const FieldCipher& cipher,
                        const std::array<const char*, N>& fields,
                        const std::array<std::string, N>& sealed,
                        const std::array<std::string*, N>& out,
                        FieldContext context, std::string_view whose,
                        std::string_view reason) {
  for (size_t i = 0; i < N; ++i) {
    if (sealed[i].empty()) continue;
    absl::StatusOr<std::string> plain =
        cipher.Decrypt(sealed[i], context(fields[i]));
    if (!plain.ok()) {
      return FailedRule(
          reason, absl::StrCat("the ", ToAbsl(whose), "'s ", fields[i],
                               " cannot be decrypted (key \"",
                               FieldCipher::KeyIdOf(sealed[i]), "\": ",
                               std::string(plain.status().message()), ")"));
    }
    *out[i] = std::move(*plain);
  }
  return absl::OkStatus();
}

}  // namespace cellchain::crypto

#endif  // CELLCHAIN_SERVICES_COMMON_CRYPTO_SEALED_FIELDS_H_
