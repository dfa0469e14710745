// The pharmacy's page in a real browser: headless Chromium (chromium.h)
// against a real cellchain-web and cellchaind, on a dose the lab made
// through the cellchain CLI (pharmacy_chain.h). The pharmacist logs in
// through the form, sees the dose on the worklist, scans the bag (the
// label's data typed into the scan field and Enter, as a keyboard-wedge
// scanner types it), sees every gate, is refused the wrong patient with
// the gate named and why, and releases it with the password typed again.
// Screenshots of each step go to CELLCHAIN_WEB_SCREENSHOTS/<test>/.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/web/chromium.h"
#include "tests/web/console_browser.h"
#include "tests/web/pharmacy_chain.h"

namespace cellchain::web_test {
namespace {

// Doses released (DOSE_STATE_RELEASED = 5).
constexpr char kReleased[] =
    "SELECT count(*) FROM cellchain_dose.doses WHERE state = 5";

// The gates table's rows as "RESULT GATE", joined by '|'.
constexpr char kGateRows[] =
    "Array.from(document.querySelectorAll('#pharmacy-gates tbody tr'))"
    ".map(r => r.cells[0].innerText + ' ' + r.cells[1].innerText).join('|')";

class PharmacyBrowserTest : public ConsoleBrowserTest<e2e::PharmacyChainTest> {
 protected:
  PharmacyBrowserTest() : ConsoleBrowserTest("pharmacy-browser-sessions") {}

  void SetUp() override {
    AddPharmacyCast();
    if (HasFatalFailure()) return;
    StartConsole();
  }

  // Presses Enter in the focused field, as a scanner ends its line.
  absl::Status PressEnter() {
    for (const char* type : {"keyDown", "keyUp"}) {
      nlohmann::json key = {{"type", type},
                            {"key", "Enter"},
                            {"code", "Enter"},
                            {"windowsVirtualKeyCode", 13}};
      if (std::string(type) == "keyDown") key["text"] = "\r";
      absl::StatusOr<nlohmann::json> sent =
          browser_->Call("Input.dispatchKeyEvent", key);
      if (!sent.ok()) return sent.status();
    }
    return absl::OkStatus();
  }

  // Fills the release form with the patient born on `date_of_birth` and
  // phil's password, and clicks Release; waits for its outcome.
  void SubmitRelease(const VerifiedDose& dose,
                     const std::string& date_of_birth) {
    const std::string form = "#pharmacy-release-form ";
    CC_ASSERT_OK(browser_->Type(form + "[name=orderId]", dose.order_id));
    CC_ASSERT_OK(browser_->Type(form + "[name=subjectId]", "RH-017"));
    CC_ASSERT_OK(browser_->Type(form + "[name=dateOfBirth]", date_of_birth));
    CC_ASSERT_OK(browser_->Type(form + "[name=initials]", "JD"));
    CC_ASSERT_OK(browser_->Type(form + "[name=password]", e2e::kPhilPassword));
    CC_ASSERT_OK(browser_->Evaluate(
                     "document.getElementById('pharmacy-outcome')"
                     ".textContent = ''")
                     .status());
    CC_ASSERT_OK(browser_->Click(form + "button[type=submit]"));
    CC_ASSERT_OK(browser_->WaitFor(
        "document.getElementById('pharmacy-outcome').innerText.length > 0",
        std::chrono::seconds(20)));
  }
};

TEST_F(PharmacyBrowserTest, APharmacistReleasesADoseAndIsRefusedTheWrongPatient) {
  const VerifiedDose dose = MakeVerifiedDose();
  if (HasFatalFailure()) return;
  ASSERT_FALSE(dose.dose_id.empty());
  ASSERT_FALSE(dose.label.empty());

  OpenTheConsole();
  if (HasFatalFailure()) return;
  SubmitLogin(e2e::kPhil.user_id, e2e::kPhilPassword);
  const absl::Status listed = browser_->WaitFor(absl::StrCat(
      "!document.getElementById('pharmacy-section').hidden &&"
      " document.getElementById('pharmacy-awaiting').innerText.includes(",
      JsString(dose.dose_id), ")"));
  ASSERT_TRUE(listed.ok()) << listed << "\ncellchain-web's log:\n"
                           << console_->Log();
  CC_ASSERT_OK_AND_ASSIGN(std::string page, browser_->TextOf("body"));
  EXPECT_EQ(page.find("Audit trail"), std::string::npos)
      << "the trail is QA's: " << page;
  CC_ASSERT_OK_AND_ASSIGN(std::string error, browser_->TextOf("#error"));
  EXPECT_EQ(error, "");
  Shot("01-worklist");

  // The scanner types the bag's label and Enter into the scan field.
  CC_ASSERT_OK(browser_->Type("#pharmacy-scan-form [name=scan]", dose.label));
  CC_ASSERT_OK(PressEnter());
  CC_ASSERT_OK(browser_->WaitFor(absl::StrCat(
      "!document.getElementById('pharmacy-dose').hidden &&"
      " document.getElementById('pharmacy-dose-title').innerText.includes(",
      JsString(dose.dose_id), ")")));
  CC_ASSERT_OK_AND_ASSIGN(nlohmann::json gates, browser_->Evaluate(kGateRows));
  EXPECT_EQ(gates.get<std::string>(),
            "at release WRONG_ORDER|pass LOT_NOT_RELEASED|"
            "pass CONDITION_NOT_ACKNOWLEDGED|pass PREPARATION_NOT_ACCEPTED|"
            "pass PREPARATION_NOT_VERIFIED|at release LABEL_MISMATCH|"
            "at release PATIENT_MISMATCH|pass DOSE_EXPIRED|pass ITEM_ON_HOLD|"
            "pass CUSTODY_BROKEN|pass TEMPERATURE_EXCURSION");
  CC_ASSERT_OK_AND_ASSIGN(
      nlohmann::json kept,
      browser_->Evaluate("document.querySelector('#pharmacy-release-form "
                         "[name=labelScan]').value"));
  EXPECT_EQ(kept.get<std::string>(), dose.label) << "the scan kept for release";
  Shot("02-scanned-dose-and-its-gates");

  // The wrong patient's date of birth: refused, the gate named.
  SubmitRelease(dose, "1961-04-03");
  if (HasFatalFailure()) return;
  CC_ASSERT_OK_AND_ASSIGN(std::string outcome,
                          browser_->TextOf("#pharmacy-outcome"));
  EXPECT_EQ(outcome.rfind("NOT released: PATIENT_MISMATCH", 0), 0u) << outcome;
  CC_ASSERT_OK_AND_ASSIGN(gates, browser_->Evaluate(kGateRows));
  EXPECT_NE(gates.get<std::string>().find("FAIL PATIENT_MISMATCH"),
            std::string::npos)
      << gates.dump();
  EXPECT_EQ(gates.get<std::string>().find("FAIL LABEL_MISMATCH"),
            std::string::npos)
      << gates.dump();
  // The failing gate's row says why in the service's words, read from the
  // refusal's metadata.
  CC_ASSERT_OK_AND_ASSIGN(
      nlohmann::json why,
      browser_->Evaluate(
          "Array.from(document.querySelectorAll('#pharmacy-gates tbody tr'))"
          ".filter(r => r.cells[1].innerText === 'PATIENT_MISMATCH')"
          ".map(r => r.cells[2].innerText).join('|')"));
  EXPECT_NE(why.get<std::string>().find("date of birth"), std::string::npos)
      << why.dump();
  CC_ASSERT_OK_AND_ASSIGN(
      nlohmann::json password,
      browser_->Evaluate("document.querySelector('#pharmacy-release-form "
                         "[name=password]').value"));
  EXPECT_EQ(password.get<std::string>(), "") << "asked again at each signature";
  EXPECT_EQ(Count(kReleased), 0);
  Shot("03-wrong-patient-refused");

  // The right patient, the password typed again: released.
  SubmitRelease(dose, "1961-04-02");
  if (HasFatalFailure()) return;
  CC_ASSERT_OK_AND_ASSIGN(outcome, browser_->TextOf("#pharmacy-outcome"));
  EXPECT_EQ(outcome.rfind("RELEASED by phil", 0), 0u) << outcome;
  CC_ASSERT_OK_AND_ASSIGN(gates, browser_->Evaluate(kGateRows));
  EXPECT_EQ(gates.get<std::string>().find("FAIL"), std::string::npos)
      << gates.dump();
  EXPECT_EQ(gates.get<std::string>().find("at release"), std::string::npos)
      << gates.dump();
  EXPECT_EQ(Count(kReleased), 1);
  CC_ASSERT_OK(browser_->WaitFor(absl::StrCat(
      "document.getElementById('pharmacy-released').innerText.includes(",
      JsString(dose.dose_id), ")")));
  Shot("04-released");

  // Nothing identifying the patient in the console's log.
  const std::string log = console_->Log();
  for (const std::string& secret :
       {std::string("RH-017"), std::string("1961-04-0"), dose.label}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret;
  }
}

}  // namespace
}  // namespace cellchain::web_test
