#include "services/donor/eligibility_proto.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/fields/fields.h"
#include "services/donor/intake_rules.h"

namespace cellchain::donor {

DonorFacts ToFacts(const v1::Donor& donor,
                   const std::vector<v1::Screening>& screenings) {
  DonorFacts facts;
  facts.consent.given = donor.consent_status() != v1::CONSENT_STATUS_NONE;
  facts.consent.withdrawn =
      donor.consent_status() == v1::CONSENT_STATUS_WITHDRAWN;
  if (donor.has_delivered_at()) {
    facts.birth_at = fields::ToTime(donor.delivered_at());
  }
  for (const v1::Screening& s : screenings) {
    Screening screening;
    screening.test_code = s.test_code();
    screening.specimen_drawn_at = fields::ToTime(s.specimen_drawn_at());
    screening.method = s.method();
    screening.kit_lot = s.kit_lot();
    switch (s.result()) {
      case v1::SCREENING_RESULT_REACTIVE:
        screening.result = TestResult::kReactive;
        break;
      case v1::SCREENING_RESULT_INDETERMINATE:
        screening.result = TestResult::kIndeterminate;
        break;
      default:
        screening.result = TestResult::kNonReactive;
    }
    facts.screenings.push_back(std::move(screening));
  }
  return facts;
}

v1::Determination ToProto(const Determination& d, const v1::Donor& donor) {
  v1::Determination out;
  out.set_donor_code(donor.donor_code());
  out.set_donor_revision(donor.revision());
  switch (d.eligibility) {
    case Eligibility::kEligible:
      out.set_eligibility(v1::ELIGIBILITY_ELIGIBLE);
      break;
    case Eligibility::kIneligible:
      out.set_eligibility(v1::ELIGIBILITY_INELIGIBLE);
      break;
    case Eligibility::kIncomplete:
      out.set_eligibility(v1::ELIGIBILITY_INCOMPLETE);
      break;
  }
  for (const Reason& reason : d.reasons) {
    v1::EligibilityReason* r = out.add_reasons();
    r->set_code(reason.code);
    r->set_test_code(reason.test_code);
    r->set_message(reason.message);
    r->set_disqualifying(reason.disqualifying);
  }
  return out;
}

std::string DescribeReasons(const v1::Determination& d) {
  std::string out;
  for (const v1::EligibilityReason& reason : d.reasons()) {
    absl::StrAppend(&out, out.empty() ? "" : "; ", reason.code(),
                    reason.test_code().empty() ? "" : " ", reason.test_code(),
                    " (", reason.message(), ")");
  }
  return out;
}

std::string DescribeOutcome(const v1::Determination& d) {
  std::string reasons = DescribeReasons(d);
  return absl::StrCat(EligibilityWord(d.eligibility()),
                      reasons.empty() ? "" : ": ", reasons);
}

}  // namespace cellchain::donor
