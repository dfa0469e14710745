// ledger::RecordOnce against a real PostgreSQL (fixture pg_cluster), run as
// a login role with exactly service "test"'s privileges: a change and its
// audit record commit together, a retry gets the first answer and writes
// nothing, a failed change leaves neither.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "gtest/gtest.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/pool.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/common/testing/test_database.h"
#include "services/ledger/ledger_pg_fixture.h"
#include "services/ledger/record_once.h"

namespace cellchain::ledger {
namespace {

using ::cellchain::custody::v1::CreateLocationRequest;
using ::cellchain::custody::v1::CreateLocationResponse;

constexpr std::string_view kService = "cellchain.test.v1.TestService";

class RecordOncePgTest : public testing::LedgerPgFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SetUpLedger(
        "CREATE TABLE test_places (id text PRIMARY KEY, name text NOT NULL);"
        "GRANT SELECT, INSERT ON test_places TO cellchain_service;"));
    CC_ASSERT_OK_AND_ASSIGN(
        pool_,
        pg::Pool::Create(
            {.name = "test", .conninfo = db_->ConninfoAs(role_), .size = 2}));
    actor_.set_user_id("usr_ada");
    actor_.set_printed_name("Ada Lovelace");
    actor_.set_role("technician");
  }

  int64_t Count(const std::string& sql) {
    absl::StatusOr<pg::Result> r = admin_->Exec(sql);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return -1;
    absl::StatusOr<int64_t> n = r->GetInt64(0, 0);
    return n.ok() ? *n : -1;
  }

  // Creates place `id` named request.name(); `fail` makes the change fail
  // after its INSERT and its record.
  absl::StatusOr<CreateLocationResponse> Create(
      const CreateLocationRequest& request, const std::string& id,
      bool fail = false) {
    ++calls_;
    return RecordOnce<CreateLocationResponse>(
        *pool_, *ledger_, {kService, "CreatePlace", actor_}, request,
        [&](Recorder& audit, CreateLocationResponse& response) -> absl::Status {
          ++changes_;
          CC_RETURN_IF_ERROR(
              audit.tx()
                  .Exec("INSERT INTO test_places (id, name) VALUES ($1, $2)",
                        {id, request.name()})
                  .status());
          response.mutable_location()->set_location_id(id);
          response.mutable_location()->set_name(request.name());
          CC_RETURN_IF_ERROR(
              audit.Append("place.create", "place", id, response.location())
                  .status());
          if (fail) return absl::FailedPreconditionError("refused after all");
          return absl::OkStatus();
        });
  }

  static CreateLocationRequest Request(const std::string& request_id,
                                       const std::string& name) {
    CreateLocationRequest request;
    request.mutable_context()->set_request_id(request_id);
    request.set_name(name);
    return request;
  }

  std::unique_ptr<pg::Pool> pool_;
  common::v1::Actor actor_;
  int calls_ = 0;
  int changes_ = 0;
};

TEST_F(RecordOncePgTest, ChangeAndRecordCommitTogetherUnderTheRequestId) {
  CC_ASSERT_OK_AND_ASSIGN(
      CreateLocationResponse response,
      Create(Request("req_place_0000000001", "Cleanroom B"), "plc_1"));
  EXPECT_EQ(response.location().location_id(), "plc_1");
  EXPECT_EQ(Count("SELECT count(*) FROM test_places"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records "
                  "WHERE entity_id = 'plc_1' AND action = 'place.create' "
                  "AND actor_user_id = 'usr_ada' "
                  "AND request_id = 'req_place_0000000001'"),
            1);
}

TEST_F(RecordOncePgTest, ARetryGetsTheFirstAnswerAndWritesNothing) {
  CC_ASSERT_OK_AND_ASSIGN(
      CreateLocationResponse first,
      Create(Request("req_place_0000000002", "Cleanroom B"), "plc_2"));
  // The retry would insert another row under another id if it ran.
  CC_ASSERT_OK_AND_ASSIGN(
      CreateLocationResponse again,
      Create(Request("req_place_0000000002", "Cleanroom B"), "plc_other"));
  EXPECT_EQ(again.location().location_id(), "plc_2");
  EXPECT_EQ(changes_, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM test_places"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records"), 1);
}

TEST_F(RecordOncePgTest, ADifferentRequestUnderTheSameIdIsRefused) {
  CC_ASSERT_OK(
      Create(Request("req_place_0000000003", "Cleanroom B"), "plc_3").status());
  absl::StatusOr<CreateLocationResponse> other =
      Create(Request("req_place_0000000003", "Cleanroom C"), "plc_4");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(other.status()), "request_id");
  EXPECT_EQ(Count("SELECT count(*) FROM test_places"), 1);
}

TEST_F(RecordOncePgTest, ABadRequestIdIsRefusedBeforeTheChangeRuns) {
  absl::StatusOr<CreateLocationResponse> bad =
      Create(Request("short", "Cleanroom B"), "plc_5");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(bad.status()), "request_id");
  EXPECT_EQ(changes_, 0);
}

TEST_F(RecordOncePgTest, AFailedChangeLeavesNeitherRowNorRecordNorClaim) {
  absl::StatusOr<CreateLocationResponse> failed = Create(
      Request("req_place_0000000006", "Cleanroom B"), "plc_6", /*fail=*/true);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT count(*) FROM test_places"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.pending"), 0);
  // The claim rolled back with it: the same request runs again.
  CC_ASSERT_OK(
      Create(Request("req_place_0000000006", "Cleanroom B"), "plc_6").status());
  EXPECT_EQ(Count("SELECT count(*) FROM test_places"), 1);
}

}  // namespace
}  // namespace cellchain::ledger
