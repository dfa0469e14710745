// The QA pages' routes over HTTPS against a real cellchaind: QA finds a lot
// awaiting disposition with its results, signs its release re-entering the
// password, and the lot's audit history shows the signature's meaning; a
// wrong password is refused naming the rule and writes nothing; an analyst
// or a pharmacist is refused; the lot's trace answers its derivation links,
// each with the audit record that made it. QA verifies the log through the
// console, its progress streamed, and downloads the lot's audit bundle,
// which cellchain-verify checks offline, and its certificate of analysis.
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "cellchain/audit/v1/audit.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/cli_chain.h"
#include "tests/web/console_browser.h"
#include "tests/web/https_browser.h"

namespace cellchain::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

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

  // `bytes` saved as `name` in the test's own directory: its path.
  std::string Save(const std::string& name, const std::string& bytes) {
    const std::string path = profile_.path() + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  // QA's log verification through the console: each line of the stream
  // as a VerifyLogResponse, in order.
  std::vector<audit::v1::VerifyLogResponse> VerifyLog(Browser& qa) {
    httplib::Result answer = qa.Send("POST", "/api/audit/verify", "{}");
    EXPECT_EQ(StatusOf(answer), 200);
    if (!answer) return {};
    EXPECT_EQ(answer->get_header_value("Content-Type"),
              "application/x-ndjson");
    std::vector<audit::v1::VerifyLogResponse> items;
    for (absl::string_view line :
         absl::StrSplit(answer->body, '\n', absl::SkipEmpty())) {
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                      std::string(line), &items.emplace_back())
                      .ok())
          << line;
    }
    return items;
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

  // The whole log the CLI's chain wrote, verified through the console: its
  // progress as it went, then no finding and the counts. After the wrong
  // password and the right one: the reset of quinn's failed attempts is
  // recorded (user.reauthenticated), so her state matches her latest record.
  const int64_t records =
      Count("SELECT count(*) FROM cellchain_audit.records");
  std::vector<audit::v1::VerifyLogResponse> verified = VerifyLog(qa);
  ASSERT_GE(verified.size(), 2u);
  EXPECT_TRUE(verified.front().has_progress())
      << verified.front().DebugString();
  for (const auto& item : verified) {
    EXPECT_FALSE(item.has_finding()) << item.DebugString();
  }
  ASSERT_TRUE(verified.back().has_summary()) << verified.back().DebugString();
  const audit::v1::VerifyLogResponse::Summary& summary =
      verified.back().summary();
  EXPECT_EQ(summary.findings(), 0);
  EXPECT_EQ(summary.records(), records);
  EXPECT_GE(summary.checkpoints(), 1) << summary.DebugString();

  // The lot's records as a bundle: the tar of what `audit export` writes,
  // which cellchain-verify checks offline.
  httplib::Result bundle = qa.Send(
      "POST", "/api/audit/export",
      "{\"filter\":{\"entity\":{\"type\":\"qc_lot\",\"id\":\"" + lot + "\"}}}");
  ASSERT_EQ(StatusOf(bundle), 200);
  EXPECT_EQ(bundle->get_header_value("Content-Type"), "application/x-tar");
  EXPECT_EQ(bundle->get_header_value("Content-Disposition"),
            "attachment; filename=\"audit-bundle.tar\"");
  const std::string tar = Save("audit-bundle.tar", bundle->body);
  RunResult untarred = RunCommand({"/usr/bin/tar", "-xf", tar, "-C", profile_.path()});
  ASSERT_EQ(untarred.exit_code, 0) << untarred.output;
  RunResult offline = RunCommand({BinDir() + "/cellchain-verify", "bundle",
                                  profile_.path() + "/audit-bundle"});
  EXPECT_EQ(offline.exit_code, 0) << offline.output;
  std::ifstream manifest(profile_.path() + "/audit-bundle/manifest.json");
  const std::string manifest_text((std::istreambuf_iterator<char>(manifest)),
                                  std::istreambuf_iterator<char>());
  EXPECT_THAT(manifest_text,
              HasSubstr("\"records\": " +
                        std::to_string(DispositionRecords(lot))));

  // The released lot's certificate of analysis, a PDF naming the lot.
  httplib::Result coa =
      qa.Send("POST", "/api/qc/certificate", "{\"lotId\":\"" + lot + "\"}");
  ASSERT_EQ(StatusOf(coa), 200);
  EXPECT_EQ(coa->get_header_value("Content-Type"), "application/pdf");
  EXPECT_THAT(coa->get_header_value("Content-Disposition"),
              StartsWith("attachment; filename=\"CoA-"));
  EXPECT_THAT(coa->get_header_value("Content-Disposition"),
              HasSubstr(lot + ".pdf\""));
  EXPECT_THAT(coa->body, StartsWith("%PDF-"));
  RunResult text = RunCommand({"/usr/bin/pdftotext", "-q", "-raw", Save("coa.pdf", coa->body), "-"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_THAT(text.output, HasSubstr(lot));
  EXPECT_THAT(text.output, HasSubstr("RELEASED")) << text.output;

  // The console's log names the routes, never the lot or the password.
  const std::string log = console_->Log();
  EXPECT_NE(log.find("route=/api/qc/dispose"), std::string::npos) << log;
  EXPECT_NE(log.find("route=/api/audit/verify"), std::string::npos) << log;
  EXPECT_NE(log.find("route=/api/qc/certificate"), std::string::npos) << log;
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
    EXPECT_EQ(StatusOf(browser.Send("POST", "/api/audit/verify", "{}")), 403);
    EXPECT_EQ(StatusOf(browser.Send("POST", "/api/audit/export", "{}")), 403);
  }
  // The certificate is for those the RPC allows: not a technician.
  Browser tina(console_->port());
  ASSERT_EQ(StatusOf(tina.Login(kTina.user_id, kTina.password)), 200);
  httplib::Result coa =
      tina.Send("POST", "/api/qc/certificate", "{\"lotId\":\"" + lot + "\"}");
  EXPECT_EQ(StatusOf(coa), 403);
  EXPECT_THAT(coa->body, HasSubstr("ROLE_NOT_ALLOWED"));
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
