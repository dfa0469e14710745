#include "services/common/auth/signatures.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "cellchain/audit/v1/record.pb.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::auth {
namespace {

std::string Field(std::string_view prefix, std::string_view name) {
  return absl::StrCat(absl::string_view(prefix.data(), prefix.size()), ".",
                      absl::string_view(name.data(), name.size()));
}

absl::Status CheckMeaning(SignatureMeaning meaning,
                          const std::vector<SignatureMeaning>& allowed,
                          std::string_view field) {
  if (std::find(allowed.begin(), allowed.end(), meaning) != allowed.end()) {
    return absl::OkStatus();
  }
  std::string names;
  for (SignatureMeaning m : allowed) {
    if (!names.empty()) names += ", ";
    names += common::v1::SignatureMeaning_Name(m).substr(
        sizeof("SIGNATURE_MEANING_") - 1);
  }
  std::string given = common::v1::SignatureMeaning_IsValid(meaning)
                          ? common::v1::SignatureMeaning_Name(meaning)
                          : absl::StrCat(static_cast<int>(meaning));
  return InvalidField(
      Field(field, "meaning"),
      absl::StrCat("signature meaning ", given,
                   " is not allowed here (allowed: ", names, ")"));
}

}  // namespace

absl::StatusOr<Signature> Sign(SignatureAuthority& authority,
                               const Principal& caller,
                               const common::v1::ESignature& signature,
                               const std::vector<SignatureMeaning>& allowed,
                               const SignatureAttempt& attempt,
                               std::string_view field) {
  CC_RETURN_IF_ERROR(CheckMeaning(signature.meaning(), allowed, field));
  if (signature.password().empty()) {
    return InvalidField(Field(field, "password"),
                        "a signature needs the signer's password");
  }
  SignatureAttempt own = attempt;
  own.signer_is_caller = true;
  CC_ASSIGN_OR_RETURN(
      Reauthenticated signer,
      authority.Reauthenticate(caller.user_id, signature.password(), own));
  Signature result;
  result.actor = ActorOf(caller);
  result.actor.set_printed_name(signer.printed_name);
  result.manifestation.set_user_id(signer.user_id);
  result.manifestation.set_printed_name(signer.printed_name);
  result.manifestation.set_meaning(signature.meaning());
  return result;
}

SignatureAttempt RpcAttempt(std::string_view service, std::string_view method,
                            const Principal& caller,
                            std::string_view request_id) {
  return {.method = absl::StrCat("/", ToAbsl(service), "/", ToAbsl(method)),
          .workstation = caller.workstation,
          .request_id = std::string(request_id)};
}

absl::StatusOr<Signature> CoSign(SignatureAuthority& authority,
                                 const Principal& caller,
                                 const common::v1::CoSignature& cosignature,
                                 const std::vector<Role>& second_roles,
                                 const std::vector<SignatureMeaning>& allowed,
                                 const SignatureAttempt& attempt,
                                 std::string_view field) {
  if (cosignature.user_id().empty()) {
    return InvalidField(Field(field, "user_id"),
                        "the second person's user id is required");
  }
  CC_RETURN_IF_ERROR(CheckMeaning(cosignature.meaning(), allowed, field));
  if (cosignature.password().empty()) {
    return InvalidField(Field(field, "password"),
                        "the second person's password is required");
  }
  CC_RETURN_IF_ERROR(
      RequireDistinct(caller.user_id, cosignature.user_id(), "this step"));
  CC_ASSIGN_OR_RETURN(
      Reauthenticated second,
      authority.Reauthenticate(cosignature.user_id(), cosignature.password(),
                               attempt));
  Role acting = common::v1::ROLE_UNSPECIFIED;
  for (Role role : second_roles) {
    if (std::find(second.roles.begin(), second.roles.end(), role) !=
        second.roles.end()) {
      acting = role;
      break;
    }
  }
  if (acting == common::v1::ROLE_UNSPECIFIED) {
    return WithReason(
        absl::PermissionDeniedError(absl::StrCat(
            "the second person ", second.user_id, " (",
            second.roles.empty() ? "no role" : RoleNames(second.roles),
            ") may not sign this step (allowed: ", RoleNames(second_roles),
            ")")),
        "ROLE_NOT_ALLOWED");
  }
  Signature result;
  result.actor.set_user_id(second.user_id);
  result.actor.set_printed_name(second.printed_name);
  result.actor.set_role(RoleName(acting));
  result.actor.set_workstation(caller.workstation);
  result.manifestation.set_user_id(second.user_id);
  result.manifestation.set_printed_name(second.printed_name);
  result.manifestation.set_meaning(cosignature.meaning());
  return result;
}

absl::Status RequireDistinct(std::string_view first_user_id,
                             std::string_view second_user_id,
                             std::string_view step) {
  if (first_user_id != second_user_id) return absl::OkStatus();
  return WithReason(absl::PermissionDeniedError(absl::StrCat(
                        "four eyes: ", std::string(second_user_id),
                        " cannot be both parties of ", std::string(step),
                        "; a second, different person must sign")),
                    kReasonSamePerson);
}

absl::Status CheckSegregationOfDuties(
    pg::Transaction& tx, std::string_view signer_user_id,
    const std::vector<common::v1::EntityRef>& entities,
    const std::vector<std::string>& not_steps) {
  if (entities.empty()) return absl::OkStatus();
  std::vector<std::string> types;
  std::vector<std::string> ids;
  for (const common::v1::EntityRef& entity : entities) {
    types.push_back(entity.type());
    ids.push_back(entity.id());
  }
  CC_ASSIGN_OR_RETURN(
      pg::Result result,
      tx.Exec(
          "SELECT r.record_bytes FROM cellchain_audit.records r "
          "JOIN unnest($2::text[], $3::text[]) AS e(entity_type, entity_id) "
          "USING (entity_type, entity_id) "
          "WHERE r.actor_user_id = $1 ORDER BY r.recorded_at, r.record_id",
          {signer_user_id, pg::TextArray(types), pg::TextArray(ids)}));
  for (int row = 0; row < result.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string bytes, result.GetBytes(row, 0));
    audit::v1::AuditRecord record;
    if (!record.ParseFromString(bytes)) {
      return absl::InternalError("an audit record does not parse");
    }
    if (record.actor().user_id() != signer_user_id) continue;
    std::string what = "recorded";
    if (record.has_signature() &&
        record.signature().user_id() == signer_user_id) {
      SignatureMeaning meaning = record.signature().meaning();
      if (meaning == common::v1::SIGNATURE_MEANING_APPROVED ||
          meaning == common::v1::SIGNATURE_MEANING_RELEASED ||
          meaning == common::v1::SIGNATURE_MEANING_REJECTED) {
        continue;
      }
      what = absl::StrCat("signed ",
                          common::v1::SignatureMeaning_Name(meaning).substr(
                              sizeof("SIGNATURE_MEANING_") - 1));
    } else if (std::find(not_steps.begin(), not_steps.end(), record.action()) !=
               not_steps.end()) {
      continue;
    }
    return WithReason(
        absl::PermissionDeniedError(
            absl::StrCat("segregation of duties: ", std::string(signer_user_id),
                         " ", what, " ", record.action(), " on ",
                         record.entity().type(), " ", record.entity().id(),
                         ": someone who took no part in it must sign")),
        kReasonSegregationOfDuties);
  }
  return absl::OkStatus();
}

}  // namespace cellchain::auth
