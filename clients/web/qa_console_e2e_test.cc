// The QA pages' routes over HTTPS against a real cellchaind: QA finds a lot
// awaiting disposition with its results, signs its release re-entering the
// password, and the lot's audit history shows the signature's meaning; a
// wrong password is refused naming the rule and writes nothing; an analyst
// or a pharmacist is refused; the lot's trace answers its derivation links,
// each with the audit record that made it.
#include <unistd.h>

#include <memory>
#include <regex>
#include <string>

#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/cli_chain.h"
#include "tests/web/console_browser.h"
#include "tests/web/https_browser.h"

namespace cellchain::e2e {
namespace {

class QaConsoleE2eTest : public web_test::ConsoleTest<CliChainTest> {
 protected:
  QaConsoleE2eTest() : ConsoleTest("web-qa-console") {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    StartConsole();
  }

  // A batch whose QC lot awaits disposition: its id (qcl_...).
  std::string LotAwaitingDisposition() {
    AddChainCast();
    if (HasFatalFailure()) return "";
    Harvest harvest = VerifiedHarvest();
    if (harvest.batch_id.empty()) return "";
    return QcLotAwaitingDisposition(harvest.batch_id);
  }

  // The audit records of the lot.
  int64_t DispositionRecords(const std::string& lot) {
    return Count(
        "SELECT count(*) FROM cellchain_audit.records WHERE entity_type = "
        "'qc_lot' AND entity_id = '" +
        lot + "'");
  }

  std::string Dispose(const std::string& lot, const std::string& password) {
    static int request = 0;
    return "{\"context\":{\"requestId\":\"web-qa-dispose-" +
           std::to_string(++request) + "-" + std::to_string(getpid()) +
           "\"},\"lotId\":\"" + lot +
           "\",\"disposition\":\"LOT_STATE_RELEASED\",\"signature\":{"
           "\"password\":\"" +
           password + "\",\"meaning\":\"SIGNATURE_MEANING_RELEASED\"}}";
  }

};

TEST_F(QaConsoleE2eTest, QaSignsTheReleaseOfALotAwaitingDisposition) {
  const std::string lot = LotAwaitingDisposition();
  ASSERT_FALSE(lot.empty());
  Browser qa(console_->port());
  ASSERT_EQ(StatusOf(qa.Login(kQuinn.user_id, kQuinn.password)), 200);

  httplib::Result lots =
      qa.Send("POST", "/api/qc/lots", R"({"state":"LOT_STATE_TESTING"})");
  ASSERT_EQ(StatusOf(lots), 200);
  EXPECT_NE(lots->body.find("\"lotId\":\"" + lot + "\""), std::string::npos)
      << lots->body;

  httplib::Result detail =
      qa.Send("POST", "/api/qc/lot", "{\"lotId\":\"" + lot + "\"}");
  ASSERT_EQ(StatusOf(detail), 200);
  EXPECT_NE(detail->body.find("\"status\":\"TEST_STATUS_IN_SPECIFICATION\""),
            std::string::npos)
      << detail->body;
  EXPECT_NE(detail->body.find("\"value\":\"93\""), std::string::npos)
      << "the viability result entered";

  // A wrong password: refused with the rule named, nothing written.
  const int64_t before = DispositionRecords(lot);
  httplib::Result wrong =
      qa.Send("POST", "/api/qc/dispose", Dispose(lot, "not my password"));
  EXPECT_EQ(StatusOf(wrong), 403);
  EXPECT_NE(wrong->body.find("REAUTHENTICATION_FAILED"), std::string::npos)
      << wrong->body;
  EXPECT_NE(wrong->body.find("signature refused: wrong password"),
            std::string::npos)
      << wrong->body;
  EXPECT_EQ(DispositionRecords(lot), before);
  EXPECT_EQ(StatusOf(qa.Send("GET", "/api/session")), 200)
      << "a refused signature does not end the session";

  httplib::Result released =
      qa.Send("POST", "/api/qc/dispose", Dispose(lot, kQuinnPassword));
  ASSERT_EQ(StatusOf(released), 200);
  EXPECT_NE(released->body.find("\"state\":\"LOT_STATE_RELEASED\""),
            std::string::npos)
      << released->body;
  EXPECT_EQ(DispositionRecords(lot), before + 1);

  // The history shows a record once the sequencer has integrated it.
  std::string history;
  for (int i = 0; i < 100; ++i) {
    httplib::Result answer = qa.Send(
        "POST", "/api/audit/history",
        "{\"entity\":{\"type\":\"qc_lot\",\"id\":\"" + lot + "\"}}");
    ASSERT_EQ(StatusOf(answer), 200);
    history = answer->body;
    if (history.find("SIGNATURE_MEANING") != std::string::npos) break;
    usleep(100 * 1000);
  }
  EXPECT_NE(history.find("\"meaning\":\"SIGNATURE_MEANING_RELEASED\""),
            std::string::npos)
      << history;
  EXPECT_NE(history.find("\"chainIntact\":true"), std::string::npos);

  // The console's log names the routes, never the lot or the password.
  const std::string log = console_->Log();
  EXPECT_NE(log.find("route=/api/qc/dispose"), std::string::npos) << log;
  EXPECT_EQ(log.find(lot), std::string::npos) << log;
  EXPECT_EQ(log.find(kQuinnPassword), std::string::npos);
}

TEST_F(QaConsoleE2eTest, AnAnalystOrAPharmacistMayNotSignADisposition) {
  const std::string lot = LotAwaitingDisposition();
  ASSERT_FALSE(lot.empty());
  CC_ASSERT_OK(AddUser(kPhil).status());
  const int64_t before = DispositionRecords(lot);
  for (const CastMember* who : {&kOtto, &kPhil}) {
    Browser browser(console_->port());
    ASSERT_EQ(StatusOf(browser.Login(who->user_id, who->password)), 200);
    httplib::Result refused =
        browser.Send("POST", "/api/qc/dispose", Dispose(lot, who->password));
    EXPECT_EQ(StatusOf(refused), 403) << who->user_id;
    EXPECT_NE(refused->body.find("qa"), std::string::npos) << refused->body;
    EXPECT_EQ(StatusOf(browser.Send("POST", "/api/qc/lots", "{}")), 403);
  }
  EXPECT_EQ(DispositionRecords(lot), before);
}

TEST_F(QaConsoleE2eTest, TheTraceOfALotNamesTheRecordOfEveryLink) {
  const std::string lot = LotAwaitingDisposition();
  ASSERT_FALSE(lot.empty());
  Browser qa(console_->port());
  ASSERT_EQ(StatusOf(qa.Login(kQuinn.user_id, kQuinn.password)), 200);
  httplib::Result detail =
      qa.Send("POST", "/api/qc/lot", "{\"lotId\":\"" + lot + "\"}");
  ASSERT_EQ(StatusOf(detail), 200);
  std::smatch item;
  ASSERT_TRUE(std::regex_search(detail->body, item,
                                std::regex("\"productItemId\":\"([^\"]+)\"")));

  httplib::Result backward =
      qa.Send("POST", "/api/custody/trace-backward",
              "{\"itemId\":\"" + item[1].str() + "\"}");
  ASSERT_EQ(StatusOf(backward), 200);
  EXPECT_NE(backward->body.find("DERIVATION_KIND_HARVEST"), std::string::npos)
      << backward->body;
  EXPECT_NE(backward->body.find("ITEM_TYPE_DONOR_LOT"), std::string::npos);
  std::smatch record;
  ASSERT_TRUE(std::regex_search(backward->body, record,
                                std::regex("\"recordId\":\"([^\"]+)\"")));

  httplib::Result forward = qa.Send("POST", "/api/custody/trace-forward",
                                    "{\"itemId\":\"" + item[1].str() + "\"}");
  ASSERT_EQ(StatusOf(forward), 200);
  EXPECT_NE(forward->body.find("DERIVATION_KIND_SAMPLE"), std::string::npos)
      << "the QC sample drawn from the lot: " << forward->body;
}

}  // namespace
}  // namespace cellchain::e2e
