// Access denials: every call the access gate, a login or a signature
// refused is an access_denials row and an audit record; identical ones in
// a window are counted (denial_windows.h) and their count recorded once.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/common/log/log.h"
#include "services/common/status/status.h"
#include "services/identity/identity.h"
#include "services/identity/identity_internal.h"
#include "services/identity/store.h"

namespace cellchain::identity {

absl::Status Identity::WriteDenial(const DeniedCall& denial,
                                   const std::string& denial_id,
                                   const Repeat* repeat) {
  const std::string& reason =
      denial.reason.empty() ? denial.code : denial.reason;
  return pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
    common::v1::Actor actor = Unauthenticated(
        denial.user_id.empty() ? denial.attempted_user_id : denial.user_id,
        denial.workstation);
    if (!denial.user_id.empty()) {
      CC_ASSIGN_OR_RETURN(std::optional<std::string> printed,
                          PrintedNameOf(tx, denial.user_id));
      if (printed.has_value()) actor.set_printed_name(*printed);
    }
    if (repeat == nullptr) {
      CC_RETURN_IF_ERROR(InsertDenial(tx, denial_id, denial, reason));
    } else {
      CC_RETURN_IF_ERROR(
          InsertRepeatedDenial(tx, denial_id, denial, reason, *repeat));
    }
    CC_ASSIGN_OR_RETURN(v1::AccessDenial state, LoadDenial(tx, denial_id));
    ledger::Recorder audit = RecorderWithOwnId(tx, *ledger_, actor);
    return audit
        .Append(repeat == nullptr ? "access_denial.record"
                                  : "access_denial.repeated",
                "access_denial", denial_id, state)
        .status();
  });
}

void Identity::RecordDenial(const auth::Denial& denial) {
  const DeniedCall call{
      .method = denial.method,
      .workstation = denial.workstation,
      .user_id = denial.user_id,
      .attempted_user_id = denial.attempted_user_id,
      .code = std::string(absl::StatusCodeToString(denial.status.code())),
      .reason = ReasonOf(denial.status)};
  DenialWindows::Noted noted = denials_.Note(
      call, Now(), [] { return crypto::RandomId("acd"); });
  WriteRepeats(noted.closed);
  if (noted.first_denial_id.empty()) return;  // counted
  absl::Status status = WriteDenial(call, noted.first_denial_id, nullptr);
  if (!status.ok()) {
    log::Error("access_denial_not_recorded", {{"method", denial.method},
                                              {"peer", denial.workstation},
                                              {"error", status.ToString()}});
  }
}

void Identity::FlushRepeatedDenials() {
  WriteRepeats(denials_.Flush(Now()));
}

void Identity::WriteRepeats(const std::vector<Counted>& counted) {
  for (const auto& [denial, repeat] : counted) {
    absl::Status status = WriteDenial(denial, crypto::RandomId("acd"), &repeat);
    if (!status.ok()) {
      log::Error("access_denials_not_recorded",
                 {{"method", denial.method},
                  {"peer", denial.workstation},
                  {"repeated_count", absl::StrCat(repeat.count)},
                  {"first_denial_id", repeat.first_denial_id},
                  {"error", status.ToString()}});
    }
  }
}

absl::Time Identity::Now() const {
  return options_.clock != nullptr ? options_.clock->Now()
                                   : ledger::RealClock()->Now();
}

}  // namespace cellchain::identity
