#include "services/donor/intake_values.h"

#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/donor/reasons.h"
#include "services/isbt128/din.h"

namespace cellchain::donor {
namespace {

using fields::Micros;
using fields::RequirePastTime;
using fields::RequireText;
using fields::ToTime;

// Debian's absl::string_view is not std::string_view.
absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// Lot lists page by (received_at, lot_id): "<µs>.<lot id>".
constexpr char kLotIdPrefix[] = "lot_";

}  // namespace

absl::Status RequireDonorCode(std::string_view code) {
  if (code.empty()) return InvalidField("donor_code", "required");
  if (code.size() != 14 || !code.starts_with("DNR-")) {
    return InvalidField("donor_code", "a donor code is DNR- and 10 characters");
  }
  return absl::OkStatus();
}

std::string DonorCodeFrom(std::string_view random_bytes) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string code = "DNR-";
  for (unsigned char b : random_bytes) code += kAlphabet[b % 32];
  return code;
}

std::string IdentifyingContext(std::string_view code, std::string_view field) {
  return absl::StrCat("donor/", ToAbsl(code), "/", ToAbsl(field));
}

absl::Status CheckIdentifying(const v1::IdentifyingData& data, absl::Time now) {
  // Every part is optional, but a part given only as blanks would be sealed
  // and marked recorded ("name recorded") while holding nothing.
  auto blank = [](const std::string& text) {
    return !text.empty() && absl::StripAsciiWhitespace(text).empty();
  };
  if (data.name().size() > 200) {
    return InvalidField("identifying.name", "at most 200 characters");
  }
  if (blank(data.name())) {
    return InvalidField("identifying.name",
                        "blank: leave it out until it is known");
  }
  if (!data.date_of_birth().empty()) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(data.date_of_birth(), &day) ||
        absl::FormatCivilTime(day) != data.date_of_birth()) {
      return InvalidField("identifying.date_of_birth", "YYYY-MM-DD");
    }
    if (day > absl::ToCivilDay(now, absl::UTCTimeZone()) || day.year() < 1900) {
      return InvalidField("identifying.date_of_birth",
                          "not a plausible date of birth");
    }
  }
  if (data.medical_record_number().size() > 64) {
    return InvalidField("identifying.medical_record_number",
                        "at most 64 characters");
  }
  if (blank(data.medical_record_number())) {
    return InvalidField("identifying.medical_record_number",
                        "blank: leave it out until it is known");
  }
  return absl::OkStatus();
}

absl::Status CheckRegistration(const v1::RegisterDonorRequest& request,
                               absl::Time now) {
  CC_RETURN_IF_ERROR(CheckIdentifying(request.identifying(), now));
  if (request.has_delivered_at()) {
    CC_RETURN_IF_ERROR(
        RequirePastTime(request.delivered_at(), true, "delivered_at", now));
  }
  return absl::OkStatus();
}

absl::Status CheckConsent(const v1::RecordConsentRequest& request,
                          absl::Time now) {
  CC_RETURN_IF_ERROR(RequireDonorCode(request.donor_code()));
  CC_RETURN_IF_ERROR(RequireText(request.form_version(), "form_version", 64));
  CC_RETURN_IF_ERROR(RequirePastTime(
      request.consented_at(), request.has_consented_at(), "consented_at", now));
  CC_RETURN_IF_ERROR(RequireText(request.taken_by(), "taken_by", 200));
  CC_RETURN_IF_ERROR(RequireText(request.witness(), "witness", 200));
  if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(request.witness()),
                             absl::StripAsciiWhitespace(request.taken_by()))) {
    return InvalidField("witness",
                        "the witness is someone other than the person who "
                        "took the consent");
  }
  return absl::OkStatus();
}

absl::Status CheckWithdrawal(const v1::WithdrawConsentRequest& request,
                             absl::Time now) {
  CC_RETURN_IF_ERROR(RequireDonorCode(request.donor_code()));
  CC_RETURN_IF_ERROR(RequireText(request.context().reason(), "context.reason"));
  if (request.has_withdrawn_at()) {
    CC_RETURN_IF_ERROR(
        RequirePastTime(request.withdrawn_at(), true, "withdrawn_at", now));
  }
  return absl::OkStatus();
}

absl::Status CheckScreening(const v1::RecordScreeningRequest& request,
                            const Panel& panel, absl::Time now) {
  CC_RETURN_IF_ERROR(RequireDonorCode(request.donor_code()));
  if (request.test_code().empty()) return InvalidField("test_code", "required");
  bool known = false;
  std::vector<std::string> codes;
  for (const PanelTest& test : panel.tests) {
    known |= test.code == request.test_code();
    codes.push_back(test.code);
  }
  if (!known) {
    return WithReason(
        InvalidField("test_code",
                     absl::StrCat("\"", request.test_code(),
                                  "\" is not a test of the panel (",
                                  absl::StrJoin(codes, ", "), ")")),
        kReasonTestNotInPanel);
  }
  CC_RETURN_IF_ERROR(RequireText(request.method(), "method", 200));
  CC_RETURN_IF_ERROR(RequireText(request.kit_lot(), "kit_lot", 64));
  CC_RETURN_IF_ERROR(RequirePastTime(request.specimen_drawn_at(),
                                     request.has_specimen_drawn_at(),
                                     "specimen_drawn_at", now));
  if (request.result() == v1::SCREENING_RESULT_UNSPECIFIED ||
      !v1::ScreeningResult_IsValid(request.result())) {
    return InvalidField("result",
                        "NON_REACTIVE, REACTIVE or INDETERMINATE is required");
  }
  return absl::OkStatus();
}

absl::Status CheckReceipt(const v1::ReceiveCordRequest& request,
                          absl::Time now) {
  CC_RETURN_IF_ERROR(RequireDonorCode(request.donor_code()));
  CC_RETURN_IF_ERROR(RequirePastTime(
      request.delivered_at(), request.has_delivered_at(), "delivered_at", now));
  CC_RETURN_IF_ERROR(RequirePastTime(
      request.collected_at(), request.has_collected_at(), "collected_at", now));
  CC_RETURN_IF_ERROR(RequirePastTime(
      request.received_at(), request.has_received_at(), "received_at", now));
  if (ToTime(request.collected_at()) < ToTime(request.delivered_at())) {
    return InvalidField("collected_at", "before the delivery");
  }
  if (ToTime(request.received_at()) < ToTime(request.collected_at())) {
    return InvalidField("received_at", "before the collection");
  }
  for (auto [value, field] :
       {std::pair{request.transport_min_celsius(), "transport_min_celsius"},
        std::pair{request.transport_max_celsius(), "transport_max_celsius"}}) {
    if (!std::isfinite(value) || value < -90 || value > 60) {
      return InvalidField(field, "between -90 and 60 degrees Celsius");
    }
  }
  if (request.transport_min_celsius() > request.transport_max_celsius()) {
    return InvalidField("transport_min_celsius",
                        "greater than transport_max_celsius");
  }
  if (!std::isfinite(request.tissue_weight_grams()) ||
      request.tissue_weight_grams() <= 0 ||
      request.tissue_weight_grams() > 2000) {
    return InvalidField("tissue_weight_grams",
                        "more than 0 and at most 2000 grams");
  }
  return absl::OkStatus();
}

absl::Status CheckAssessment(const v1::AssessDeviationRequest& request) {
  if (request.deviation_id().empty()) {
    return InvalidField("deviation_id", "required");
  }
  if (request.decision() != v1::DEVIATION_STATUS_ACCEPTABLE &&
      request.decision() != v1::DEVIATION_STATUS_NOT_ACCEPTABLE) {
    return InvalidField("decision", "ACCEPTABLE or NOT_ACCEPTABLE");
  }
  return RequireText(request.assessment(), "assessment");
}

absl::StatusOr<std::string> NormalizeDin(std::string_view text) {
  CC_ASSIGN_OR_RETURN(isbt128::Din din, isbt128::ParseDinText(text));
  return din.ToString();
}

absl::StatusOr<LotQuery> CheckListLots(const v1::ListLotsRequest& request) {
  if (!v1::LotState_IsValid(request.state())) {
    return InvalidField("state", "not a lot state");
  }
  LotQuery query;
  query.state = request.state();
  int page_size = request.page().page_size();
  if (page_size < 0 || page_size > kMaxPageSize) {
    return InvalidField("page.page_size", "0 to 500");
  }
  if (page_size > 0) query.page_size = page_size;
  if (request.has_received_from()) {
    query.received_from = Micros(request.received_from());
  }
  if (request.has_received_to())
    query.received_to = Micros(request.received_to());
  if (query.received_from && query.received_to &&
      *query.received_from >= *query.received_to) {
    return InvalidField("received_to", "not after received_from");
  }
  if (!request.din().empty()) {
    CC_ASSIGN_OR_RETURN(query.din, NormalizeDin(request.din()));
  }
  if (!request.donor_code().empty()) {
    CC_RETURN_IF_ERROR(RequireDonorCode(request.donor_code()));
    query.donor_code = request.donor_code();
  }
  if (!request.page().page_token().empty()) {
    std::vector<std::string> parts =
        absl::StrSplit(request.page().page_token(), absl::MaxSplits('.', 1));
    int64_t micros = 0;
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &micros) ||
        !parts[1].starts_with(kLotIdPrefix)) {
      return InvalidField("page.page_token", "not a token this server issued");
    }
    query.after_received_at = micros;
    query.after_lot_id = parts[1];
  }
  return query;
}

std::string NextLotPageToken(const v1::DonorLot& last) {
  return absl::StrCat(Micros(last.received_at()), ".", last.lot_id());
}

}  // namespace cellchain::donor
