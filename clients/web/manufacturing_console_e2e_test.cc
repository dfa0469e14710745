// Manufacturing's route of cellchain-web over HTTPS against a real
// cellchaind, on a batch the CLI's chain made (P0 processed, harvested and
// verified, the product harvested): QA, a QC analyst and a technician get
// the batch's growth curve, the same points — day since processing,
// passage, cumulative population doublings, line — that the CLI's
// `manufacturing growth-curve --format=csv` prints; a pharmacist, whom
// GetGrowthCurve's policy refuses, is refused 403 and the console's log
// names the route, never the batch.
#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/cli_chain.h"
#include "tests/web/console_browser.h"
#include "tests/web/https_browser.h"

namespace cellchain::e2e {
namespace {

namespace mfg = ::cellchain::manufacturing::v1;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kRoute[] = "/api/manufacturing/growth-curve";

class ManufacturingConsoleE2eTest
    : public web_test::ConsoleTest<CliChainTest> {
 protected:
  ManufacturingConsoleE2eTest() : ConsoleTest("web-mfg-console") {}

  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    StartConsole();
  }

  // The CLI's CSV rows of `batch`'s curve as QA reads them (no header).
  std::vector<std::string> CliRows(const std::string& batch) {
    const std::string csv = Ok(*quinn_, {"manufacturing", "growth-curve",
                                         "--batch-id=" + batch, "--format=csv"});
    std::vector<std::string> rows =
        absl::StrSplit(csv, '\n', absl::SkipEmpty());
    EXPECT_FALSE(rows.empty()) << csv;
    if (!rows.empty()) {
      EXPECT_EQ(rows.front(), "day,passage,cumulative_pd,line");
      rows.erase(rows.begin());
    }
    return rows;
  }

  // The route's answer as the same CSV rows; its step ids in `steps`.
  static std::vector<std::string> RouteRows(const std::string& json,
                                            std::vector<std::string>* steps) {
    mfg::GetGrowthCurveResponse curve;
    auto parsed = google::protobuf::util::JsonStringToMessage(json, &curve);
    EXPECT_TRUE(parsed.ok()) << parsed.ToString() << "\n" << json;
    std::vector<std::string> rows;
    for (const mfg::GrowthPoint& p : curve.points()) {
      rows.push_back(absl::StrFormat(
          "%.2f,%d,%.2f,%s", p.day(), p.passage_number(),
          p.cumulative_population_doublings(),
          p.series() == 0 ? "main" : absl::StrFormat("side %d", p.series())));
      steps->push_back(p.step_id());
    }
    return rows;
  }
};

TEST_F(ManufacturingConsoleE2eTest, TheRouteAnswersTheCurveTheCliPrints) {
  AddChainCast();
  if (HasFatalFailure()) return;
  const Harvest harvest = VerifiedHarvest();
  ASSERT_FALSE(harvest.batch_id.empty());
  const std::vector<std::string> cli = CliRows(harvest.batch_id);
  ASSERT_FALSE(cli.empty()) << "the P0 harvest is a point of the curve";

  const std::string body = "{\"batchId\":\"" + harvest.batch_id + "\"}";
  for (const CastMember* who : {&kQuinn, &kOtto, &kTina}) {
    Browser browser(console_->port());
    ASSERT_EQ(StatusOf(browser.Login(who->user_id, who->password)), 200)
        << who->user_id;
    httplib::Result curve = browser.Send("POST", kRoute, body);
    ASSERT_EQ(StatusOf(curve), 200) << who->user_id;
    std::vector<std::string> steps;
    EXPECT_THAT(RouteRows(curve->body, &steps), ElementsAreArray(cli))
        << who->user_id << ": " << curve->body;
    EXPECT_THAT(steps, ::testing::Contains(harvest.p0_step_id));
  }

  // An id in the URL is no way in: the route takes the body only.
  Browser quinn(console_->port());
  ASSERT_EQ(StatusOf(quinn.Login(kQuinn.user_id, kQuinn.password)), 200);
  httplib::Result unknown = quinn.Send("POST", kRoute, "{\"batch\":\"x\"}");
  EXPECT_EQ(StatusOf(unknown), 400);
  EXPECT_THAT(unknown->body, HasSubstr("GetGrowthCurveRequest"));

  const std::string log = console_->Log();
  EXPECT_THAT(log, HasSubstr(std::string("route=") + kRoute)) << log;
  EXPECT_THAT(log, Not(HasSubstr(harvest.batch_id))) << log;
}

TEST_F(ManufacturingConsoleE2eTest, APharmacistIsRefusedTheCurve) {
  AddChainCast();
  if (HasFatalFailure()) return;
  const Harvest harvest = VerifiedHarvest();
  ASSERT_FALSE(harvest.batch_id.empty());
  CC_ASSERT_OK(AddUser(kPhil).status());
  Browser phil(console_->port());
  ASSERT_EQ(StatusOf(phil.Login(kPhil.user_id, kPhil.password)), 200);
  httplib::Result refused = phil.Send(
      "POST", kRoute, "{\"batchId\":\"" + harvest.batch_id + "\"}");
  EXPECT_EQ(StatusOf(refused), 403);
  EXPECT_THAT(refused->body, HasSubstr("ROLE_NOT_ALLOWED"));
  EXPECT_THAT(refused->body, Not(HasSubstr("\"points\"")));
}

}  // namespace
}  // namespace cellchain::e2e
