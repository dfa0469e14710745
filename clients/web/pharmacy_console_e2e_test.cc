// The pharmacy's routes of cellchain-web over HTTPS against a real
// cellchaind, on a dose the lab prepared, counted and verified through the
// cellchain CLI (CliChainTest): a pharmacist sees it on the worklist, finds
// it by the bag's scanned label, sees that no gate blocks it, is refused
// the wrong patient's identifiers with the gate named (PATIENT_MISMATCH,
// its words in the refusal's metadata, which the page reads) and nothing
// released, then releases it with the password; QA and a technician are
// refused every pharmacy route (403) and write nothing; no
// patient's identifier reaches the console's log.
#include <httplib.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/e2e_test.h"
#include "tests/web/console_browser.h"
#include "tests/web/https_browser.h"
#include "tests/web/pharmacy_chain.h"

namespace cellchain::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Doses released (DOSE_STATE_RELEASED = 5).
constexpr char kReleased[] =
    "SELECT count(*) FROM cellchain_dose.doses WHERE state = 5";

class PharmacyConsoleE2eTest
    : public web_test::ConsoleTest<PharmacyChainTest> {
 protected:
  PharmacyConsoleE2eTest() : ConsoleTest("pharmacy-console-e2e") {}

  void SetUp() override {
    AddPharmacyCast();
    if (HasFatalFailure()) return;
    StartConsole();
  }

  // A release of `dose` as the order sheet and the patient's record read.
  static std::string Release(const VerifiedDose& dose,
                             const std::string& date_of_birth,
                             const std::string& request_id) {
    return R"({"context":{"requestId":")" + request_id + R"("},"doseId":")" +
           dose.dose_id + R"(","orderId":")" + dose.order_id +
           R"(","labelScan":")" + dose.label +
           R"(","subjectId":"RH-017","dateOfBirth":")" + date_of_birth +
           R"(","initials":"JD","signature":{"password":")" + kPhilPassword +
           R"(","meaning":"SIGNATURE_MEANING_RELEASED"}})";
  }

};

TEST_F(PharmacyConsoleE2eTest,
       APharmacistReleasesTheDoseAndIsRefusedTheWrongPatient) {
  const VerifiedDose dose = MakeVerifiedDose();
  if (HasFatalFailure()) return;
  ASSERT_FALSE(dose.dose_id.empty());
  ASSERT_FALSE(dose.label.empty());

  Browser phil(console_->port());
  ASSERT_EQ(StatusOf(phil.Login(kPhil.user_id, kPhilPassword)), 200);

  // The worklist: the dose the lab verified, awaiting release.
  httplib::Result awaiting =
      phil.Send("POST", "/api/pharmacy/worklist",
                R"({"worklist":"WORKLIST_AWAITING_RELEASE"})");
  ASSERT_EQ(StatusOf(awaiting), 200);
  EXPECT_THAT(awaiting->body, HasSubstr("\"doseId\":\"" + dose.dose_id + "\""));
  EXPECT_THAT(awaiting->body, HasSubstr("\"state\":\"DOSE_STATE_VERIFIED\""));

  // The bag's label as the scanner typed it: the dose's bag.
  httplib::Result scanned = phil.Send("POST", "/api/pharmacy/scan",
                                      R"({"scan":")" + dose.label + "\"}");
  ASSERT_EQ(StatusOf(scanned), 200);
  std::smatch item;
  ASSERT_TRUE(std::regex_search(scanned->body, item,
                                std::regex("\"itemId\":\"([^\"]+)\"")))
      << scanned->body;
  httplib::Result shown = phil.Send("POST", "/api/pharmacy/dose",
                                    R"({"doseId":")" + dose.dose_id + "\"}");
  ASSERT_EQ(StatusOf(shown), 200);
  EXPECT_THAT(shown->body, HasSubstr("\"itemId\":\"" + item[1].str() + "\""));
  EXPECT_THAT(shown->body, HasSubstr("\"releaseBlockers\":[]"))
      << "verified, released lot, in custody: no gate blocks it";

  // QA and the technician: refused every pharmacy route, nothing released.
  Browser quinn(console_->port()), tina(console_->port());
  ASSERT_EQ(StatusOf(quinn.Login(kQuinn.user_id, kQuinn.password)), 200);
  ASSERT_EQ(StatusOf(tina.Login(kTina.user_id, kTinaPassword)), 200);
  for (Browser* other : {&quinn, &tina}) {
    for (const char* path : {"/api/pharmacy/worklist", "/api/pharmacy/dose",
                             "/api/pharmacy/scan"}) {
      EXPECT_EQ(StatusOf(other->Send("POST", path, "{}")), 403) << path;
    }
    httplib::Result refused = other->Send(
        "POST", "/api/pharmacy/release",
        Release(dose, "1961-04-02", "web-release-by-another-role-0001"));
    EXPECT_EQ(StatusOf(refused), 403);
    EXPECT_THAT(refused->body, HasSubstr("ROLE_NOT_ALLOWED"));
    EXPECT_THAT(refused->body, HasSubstr("\"metadata\":{}"))
        << "a refusal without facts has the same shape";
  }
  EXPECT_EQ(Count(kReleased), 0);

  // The wrong patient's date of birth: refused, the gate named, nothing
  // released.
  httplib::Result wrong =
      phil.Send("POST", "/api/pharmacy/release",
                Release(dose, "1961-04-03", "web-release-wrong-patient-0001"));
  EXPECT_EQ(StatusOf(wrong), 409);
  EXPECT_THAT(wrong->body, HasSubstr("\"reason\":\"PATIENT_MISMATCH\""));
  EXPECT_THAT(wrong->body, HasSubstr("PATIENT_MISMATCH: "));
  // Each failing gate's words, and the dose judged, in the metadata the
  // page reads (as the CLI does): the patient's gate alone fails.
  const nlohmann::json refusal =
      nlohmann::json::parse(wrong->body, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(refusal.is_object() && refusal.contains("metadata") &&
              refusal.at("metadata").is_object())
      << wrong->body;
  const nlohmann::json& metadata = refusal.at("metadata");
  EXPECT_EQ(metadata.value("dose_id", ""), dose.dose_id);
  std::vector<std::string> gates;
  for (const auto& entry : metadata.items()) {
    if (entry.key().rfind("gate_", 0) != 0) continue;
    gates.push_back(entry.key());
    EXPECT_THAT(entry.value().get<std::string>(), HasSubstr("date of birth"))
        << entry.key();
  }
  EXPECT_THAT(gates, ElementsAre("gate_patient_mismatch")) << wrong->body;
  EXPECT_EQ(Count(kReleased), 0);
  httplib::Result still = phil.Send("POST", "/api/pharmacy/dose",
                                    R"({"doseId":")" + dose.dose_id + "\"}");
  ASSERT_EQ(StatusOf(still), 200);
  EXPECT_THAT(still->body, HasSubstr("\"state\":\"DOSE_STATE_VERIFIED\""));

  // A change without the CSRF token: refused before anything is called.
  EXPECT_EQ(StatusOf(phil.Send(
                "POST", "/api/pharmacy/release",
                Release(dose, "1961-04-02", "web-release-no-csrf-token-0001"),
                /*with_csrf=*/false)),
            403);
  EXPECT_EQ(Count(kReleased), 0);

  // The right patient, the password typed again: released.
  httplib::Result released =
      phil.Send("POST", "/api/pharmacy/release",
                Release(dose, "1961-04-02", "web-release-right-patient-0001"));
  ASSERT_EQ(StatusOf(released), 200);
  EXPECT_THAT(released->body, HasSubstr("\"state\":\"DOSE_STATE_RELEASED\""));
  EXPECT_THAT(released->body, HasSubstr("\"releasedByUserId\":\"phil\""));
  EXPECT_EQ(Count(kReleased), 1);
  httplib::Result out =
      phil.Send("POST", "/api/pharmacy/worklist",
                R"({"worklist":"WORKLIST_RELEASED_NOT_INFUSED"})");
  ASSERT_EQ(StatusOf(out), 200);
  EXPECT_THAT(out->body, HasSubstr("\"doseId\":\"" + dose.dose_id + "\""));

  // The log: routes and statuses, no patient, scan or password.
  const std::string log = console_->Log();
  EXPECT_THAT(log, HasSubstr("route=/api/pharmacy/release"));
  for (const std::string& secret :
       {std::string("RH-017"), std::string("1961-04-0"), dose.label,
        dose.dose_id, std::string(kPhilPassword)}) {
    EXPECT_THAT(log, Not(HasSubstr(secret))) << secret;
  }
}

}  // namespace
}  // namespace cellchain::e2e
