#include "services/donor/eligibility.h"

#include "absl/strings/str_cat.h"

namespace cellchain::donor {

Panel DefaultPanel() {
  Panel panel;
  panel.tests = {
      {"HIV12_AB", "HIV-1/2 antibody", true},
      {"HIV1_NAT", "HIV-1 NAT", true},
      {"HBSAG", "Hepatitis B surface antigen", true},
      {"HBC_AB", "Hepatitis B core antibody (IgG and IgM)", true},
      {"HBV_NAT", "HBV NAT", true},
      {"HCV_AB", "HCV antibody", true},
      {"HCV_NAT", "HCV NAT", true},
      {"HTLV_AB", "HTLV-I/II antibody", true},
      {"SYPHILIS", "Treponema pallidum (syphilis)", true},
      {"WNV_NAT", "West Nile virus NAT", true},
      {"TCRUZI_AB", "Trypanosoma cruzi antibody", true},
      // Required for viable leukocyte-rich cells; a reactive result is
      // recorded and the product labelled, the donor stays eligible.
      {"CMV_AB", "CMV antibody", false},
  };
  return panel;
}

const char* EligibilityName(Eligibility eligibility) {
  switch (eligibility) {
    case Eligibility::kEligible:
      return "ELIGIBLE";
    case Eligibility::kIneligible:
      return "INELIGIBLE";
    case Eligibility::kIncomplete:
      return "INCOMPLETE";
  }
  return "INCOMPLETE";
}

bool IsNote(const Reason& reason) {
  return reason.code == kCodeSpecimenOutOfWindow ||
         reason.code == kCodeReactiveForInformation;
}

Determination Determine(const Panel& panel, const DonorFacts& facts) {
  Determination d;
  auto add = [&d](std::string code, std::string test, std::string message,
                  bool disqualifying) {
    d.reasons.push_back(
        {std::move(code), std::move(test), std::move(message), disqualifying});
  };
  if (facts.consent.withdrawn) {
    add(kCodeConsentWithdrawn, "", "the donor withdrew her consent", true);
  } else if (!facts.consent.given) {
    add(kCodeConsentMissing, "", "no consent is recorded", false);
  }
  if (!facts.birth_at.has_value()) {
    add(kCodeBirthNotRecorded, "",
        "the time of birth is not recorded, so no specimen can be placed in "
        "its window",
        false);
  }
  bool any_incomplete = false;
  for (const PanelTest& test : panel.tests) {
    bool counted = false;
    bool reactive = false;
    bool indeterminate = false;
    for (const Screening& s : facts.screenings) {
      if (s.test_code != test.code) continue;
      if (!facts.birth_at.has_value()) continue;
      absl::Duration from_birth = s.specimen_drawn_at - *facts.birth_at;
      if (absl::AbsDuration(from_birth) > panel.specimen_window) {
        add(kCodeSpecimenOutOfWindow, test.code,
            absl::StrCat(
                test.name, ": specimen drawn ",
                absl::FormatDuration(
                    absl::Trunc(absl::AbsDuration(from_birth), absl::Hours(1))),
                from_birth < absl::ZeroDuration() ? " before" : " after",
                " the birth, outside the window of ",
                absl::FormatDuration(panel.specimen_window),
                "; it does not count"),
            false);
        continue;
      }
      counted = true;
      reactive |= s.result == TestResult::kReactive;
      indeterminate |= s.result == TestResult::kIndeterminate;
    }
    if (!counted) {
      if (facts.birth_at.has_value()) {
        add(kCodeTestMissing, test.code,
            absl::StrCat(test.name, ": no result of a specimen in window"),
            false);
      }
      any_incomplete = true;
      continue;
    }
    if (reactive && test.reactive_disqualifies) {
      add(kCodeTestReactive, test.code, absl::StrCat(test.name, ": reactive"),
          true);
    } else if (reactive) {
      add(kCodeReactiveForInformation, test.code,
          absl::StrCat(test.name,
                       ": reactive (for information: the donor stays "
                       "eligible; the product is labelled)"),
          false);
    } else if (indeterminate && test.reactive_disqualifies) {
      add(kCodeTestIndeterminate, test.code,
          absl::StrCat(test.name, ": indeterminate"), true);
    }
  }
  bool disqualified = false;
  bool incomplete = any_incomplete;
  for (const Reason& r : d.reasons) {
    disqualified |= r.disqualifying;
    incomplete |= !r.disqualifying && !IsNote(r);
  }
  d.eligibility = disqualified ? Eligibility::kIneligible
                  : incomplete ? Eligibility::kIncomplete
                               : Eligibility::kEligible;
  return d;
}

}  // namespace cellchain::donor
