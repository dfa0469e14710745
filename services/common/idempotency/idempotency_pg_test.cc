// Idempotency against a real PostgreSQL (fixture pg_cluster).
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "cellchain_meta_migrations.h"
#include "gtest/gtest.h"
#include "services/common/crypto/encoding.h"
#include "services/common/crypto/sha256.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/migrations/migrations.h"
#include "services/common/pg/error.h"
#include "services/common/pg/pool.h"
#include "services/common/status/status.h"
#include "services/common/testing/commit_ack_dropper.h"
#include "services/common/testing/read_only_database.h"
#include "services/common/testing/round_trips.h"
#include "services/common/testing/status_matchers.h"
#include "services/common/testing/test_database.h"

namespace cellchain::idempotency {
namespace {

using absl::StatusCode;

constexpr char kService[] = "cellchain.test.v1.DonorService";
constexpr char kMethod[] = "RegisterDonor";
constexpr char kId[] = "req_0123456789abcdef";

class IdempotencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(db_, cellchain::testing::TestDatabase::Create());
    CC_ASSERT_OK_AND_ASSIGN(pg::Connection conn,
                            pg::Connection::Open(db_->conninfo()));
    CC_ASSERT_OK(migrations::Apply(conn, {&migrations::MetaMigrations()}));
    CC_ASSERT_OK(conn.ExecScript(
        "CREATE TABLE donor (id serial PRIMARY KEY, code text NOT NULL)"));
    CC_ASSERT_OK_AND_ASSIGN(
        pool_, pg::Pool::Create({.conninfo = db_->conninfo(), .size = 3}));
  }

  // What a mutating handler does; `before_complete` runs after the change,
  // inside the transaction, and may fail it.
  absl::StatusOr<std::string> Register(
      std::string_view request_id, std::string_view code,
      std::string_view method = kMethod,
      std::function<absl::Status(pg::Transaction&)> before_complete = {},
      pg::TransactionOptions options = {}, std::string_view caller = "") {
    // As auth::Handle names the logged-in caller of every handler.
    CallerScope scope(caller);
    std::string response;
    absl::Status s = pool_->InTransaction(
        [&](pg::Transaction& tx) -> absl::Status {
          CC_ASSIGN_OR_RETURN(
              Claim claim,
              ClaimRequest(tx, {kService, method, request_id},
                           "RegisterDonor{code=" + std::string(code) + "}"));
          if (claim.is_replay()) {
            response = claim.response();
            return absl::OkStatus();
          }
          CC_ASSIGN_OR_RETURN(
              pg::Result row,
              tx.Exec("INSERT INTO donor (code) VALUES ($1) RETURNING id",
                      {std::string(code)}));
          CC_ASSIGN_OR_RETURN(int64_t id, row.GetInt64(0, 0));
          // Binary on purpose: responses are serialized protos.
          response = absl::StrCat("donor ", id, std::string("\0\xff", 2));
          if (before_complete) CC_RETURN_IF_ERROR(before_complete(tx));
          return claim.Complete(tx, response);
        },
        options);
    if (!s.ok()) return s;
    return response;
  }

  absl::StatusOr<std::string> RegisterAs(std::string_view caller,
                                         std::string_view request_id,
                                         std::string_view code) {
    return Register(request_id, code, kMethod, {}, {}, caller);
  }

  int64_t Count(const char* sql) {
    absl::StatusOr<pg::Pool::Lease> lease = pool_->Acquire();
    EXPECT_TRUE(lease.ok()) << lease.status();
    if (!lease.ok()) return -1;
    absl::StatusOr<pg::Result> r = (*lease)->Exec(sql);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->GetInt64(0, 0).value_or(-1) : -1;
  }

  void Race(bool first_commits, pg::Isolation second_isolation);

  std::unique_ptr<cellchain::testing::TestDatabase> db_;
  std::unique_ptr<pg::Pool> pool_;
};

TEST_F(IdempotencyTest, RetryReturnsTheFirstResponseAndWritesOnce) {
  CC_ASSERT_OK_AND_ASSIGN(std::string first, Register(kId, "D-1"));
  CC_ASSERT_OK_AND_ASSIGN(std::string retry, Register(kId, "D-1"));
  EXPECT_EQ(retry, first);
  EXPECT_EQ(first.size(), std::string("donor 1").size() + 2);
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_meta.idempotency"), 1);
}

// The database server turns read-only (a demoted primary) under a request:
// the client is told UNAVAILABLE, nothing is written, and its retry with the
// same request id, once the server is writable, writes exactly once.
TEST_F(IdempotencyTest, RefusedByAReadOnlyServerThenTheRetryWritesOnce) {
  CC_ASSERT_OK_AND_ASSIGN(pg::Connection admin,
                          pg::Connection::Open(db_->conninfo()));
  CC_ASSERT_OK(cellchain::testing::SetDatabaseReadOnly(admin, true));
  // The pool's sessions end as in a failover; the new ones are read-only.
  CC_ASSERT_OK(cellchain::testing::EndOtherSessions(admin));
  absl::Status refused = Register(kId, "D-1").status();
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable) << refused;
  EXPECT_TRUE(pg::IsReadOnlyServer(refused)) << refused;
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_meta.idempotency"), 0);

  CC_ASSERT_OK(cellchain::testing::SetDatabaseReadOnly(admin, false));
  CC_ASSERT_OK_AND_ASSIGN(std::string first, Register(kId, "D-1"));
  CC_ASSERT_OK_AND_ASSIGN(std::string again, Register(kId, "D-1"));
  EXPECT_EQ(again, first);
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 1);
}

// The connection dies while COMMIT is in flight (here: the backend ends
// itself in a deferred trigger, which runs at COMMIT, the first time). The
// caller cannot know whether the server committed: it gets UNAVAILABLE
// saying so, neither success nor "nothing written", and no automatic retry;
// its own retry with the same request id then writes exactly once (or
// replays, had the server committed).
TEST_F(IdempotencyTest, LostCommitIsUnknownAndTheRetryWritesOnce) {
  CC_ASSERT_OK_AND_ASSIGN(pg::Connection admin,
                          pg::Connection::Open(db_->conninfo()));
  CC_ASSERT_OK(admin.ExecScript(R"sql(
    CREATE SEQUENCE commits_seen;
    CREATE FUNCTION end_session_at_first_commit() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('commits_seen') = 1 THEN
          PERFORM pg_terminate_backend(pg_backend_pid());
          PERFORM pg_sleep(5);  -- interrupted by the termination
        END IF;
        RETURN NULL;
      END $$;
    CREATE CONSTRAINT TRIGGER end_session AFTER INSERT ON donor
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      EXECUTE FUNCTION end_session_at_first_commit();
  )sql"));
  int attempts = 0;
  absl::Status lost =
      Register(kId, "D-1", kMethod, [&](pg::Transaction&) {
        ++attempts;
        return absl::OkStatus();
      }).status();
  EXPECT_EQ(lost.code(), StatusCode::kUnavailable) << lost;
  EXPECT_NE(lost.message().find("the outcome of COMMIT is unknown"),
            std::string::npos)
      << lost;
  EXPECT_FALSE(pg::IsReadOnlyServer(lost));
  EXPECT_EQ(attempts, 1);  // an unknown outcome is never retried blindly

  CC_ASSERT_OK_AND_ASSIGN(std::string first, Register(kId, "D-1"));
  CC_ASSERT_OK_AND_ASSIGN(std::string again, Register(kId, "D-1"));
  EXPECT_EQ(again, first);
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_meta.idempotency"), 1);
}

// The server commits and the connection goes before its answer arrives:
// done, but nobody was told. The client gets UNAVAILABLE "outcome unknown"
// (not success: it was not acknowledged; not "nothing written": it was), and
// its retry with the same request id replays the stored response, writing
// nothing more.
TEST_F(IdempotencyTest, CommittedButUnacknowledgedThenTheRetryReplays) {
  CC_ASSERT_OK_AND_ASSIGN(
      auto dropper,
      cellchain::testing::CommitAckDropper::Start(db_->conninfo()));
  CC_ASSERT_OK_AND_ASSIGN(
      pool_, pg::Pool::Create({.conninfo = dropper->conninfo(), .size = 1}));
  dropper->Arm();
  absl::Status lost = Register(kId, "D-1").status();
  EXPECT_EQ(dropper->dropped(), 1);
  EXPECT_EQ(lost.code(), StatusCode::kUnavailable) << lost;
  EXPECT_NE(lost.message().find("the outcome of COMMIT is unknown"),
            std::string::npos)
      << lost;
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 1);  // committed nonetheless

  CC_ASSERT_OK_AND_ASSIGN(std::string retry, Register(kId, "D-1"));
  // The first attempt's response (donor 1), not a second donor's.
  EXPECT_EQ(retry, absl::StrCat("donor 1", std::string("\0\xff", 2)));
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_meta.idempotency"), 1);
}

TEST_F(IdempotencyTest, SameIdWithADifferentRequestIsRefused) {
  CC_ASSERT_OK(Register(kId, "D-1"));
  absl::Status s = Register(kId, "D-2").status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(FieldOf(s), "request_id");
  EXPECT_EQ(ReasonOf(s), "REQUEST_ID_REUSED");
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 1);
}

TEST_F(IdempotencyTest, KeyIncludesTheMethod) {
  CC_ASSERT_OK(Register(kId, "D-1", "RegisterDonor"));
  CC_ASSERT_OK(Register(kId, "D-1", "RegisterOtherDonor"));
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 2);
}

TEST_F(IdempotencyTest, BadRequestIdIsRefusedBeforeAnyWrite) {
  absl::Status s = Register("short", "D-1").status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(s), "request_id");
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 0);
}

TEST_F(IdempotencyTest, RolledBackFirstAttemptLetsTheRetryProceed) {
  absl::Status failed = Register(kId, "D-1", kMethod, [](pg::Transaction&) {
                          return FailedRule("LOT_NOT_RELEASED", "not yet");
                        }).status();
  EXPECT_EQ(ReasonOf(failed), "LOT_NOT_RELEASED");
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_meta.idempotency"), 0);

  CC_ASSERT_OK_AND_ASSIGN(std::string response, Register(kId, "D-1"));
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 1);
  CC_ASSERT_OK_AND_ASSIGN(std::string retry, Register(kId, "D-1"));
  EXPECT_EQ(retry, response);
}

// Two concurrent duplicates: the first holds its transaction open until the
// second is blocked on the claim, then commits or fails. Either way exactly
// one donor is written.
void IdempotencyTest::Race(bool first_commits, pg::Isolation second_isolation) {
  absl::Notification claimed;
  absl::StatusOr<std::string> first, second;
  std::thread first_thread([&] {
    first = Register(kId, "D-1", kMethod, [&](pg::Transaction& tx) {
      claimed.Notify();
      // Wait (up to 30 s) until the duplicate waits for our claim's lock.
      bool duplicate_waits = false;
      for (int i = 0; i < 3000 && !duplicate_waits; ++i) {
        // Inside a transaction PostgreSQL keeps the first list of backends
        // it read: the duplicate's session, opened after it (pools open
        // connections on first use), would never appear without this.
        absl::Status cleared =
            tx.Exec("SELECT pg_stat_clear_snapshot()").status();
        if (!cleared.ok()) return cleared;
        absl::StatusOr<pg::Result> r = tx.Exec(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'");
        if (!r.ok()) return r.status();
        duplicate_waits = r->GetInt64(0, 0).value_or(0) > 0;
        absl::SleepFor(absl::Milliseconds(10));
      }
      if (!duplicate_waits)
        return absl::InternalError("duplicate never waited");
      return first_commits ? absl::OkStatus()
                           : absl::UnavailableError("handler failed");
    });
  });
  claimed.WaitForNotification();
  second = Register(kId, "D-1", kMethod, {}, {.isolation = second_isolation});
  first_thread.join();

  CC_ASSERT_OK(second);
  if (first_commits) {
    CC_ASSERT_OK(first);
    EXPECT_EQ(*second, *first);  // the second got the first's answer
  } else {
    EXPECT_EQ(first.status().message(), "handler failed");
  }
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_meta.idempotency"), 1);
}

TEST_F(IdempotencyTest, DuplicateInFlightGetsTheFirstResponse) {
  Race(/*first_commits=*/true, pg::Isolation::kReadCommitted);
}

TEST_F(IdempotencyTest, DuplicateInFlightProceedsWhenTheFirstFails) {
  Race(/*first_commits=*/false, pg::Isolation::kReadCommitted);
}

// The wait ends in a serialization failure (40001) instead, which
// Pool::InTransaction retries into the replay.
TEST_F(IdempotencyTest, DuplicateInFlightUnderRepeatableReadIsRetried) {
  Race(/*first_commits=*/true, pg::Isolation::kRepeatableRead);
}

TEST_F(IdempotencyTest, DuplicateInFlightUnderRepeatableReadFirstFails) {
  Race(/*first_commits=*/false, pg::Isolation::kRepeatableRead);
}

TEST_F(IdempotencyTest, CompleteTwiceOrOnAReplayIsAnError) {
  CC_ASSERT_OK(pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
    CC_ASSIGN_OR_RETURN(Claim claim,
                        ClaimRequest(tx, {kService, kMethod, kId}, "req"));
    CC_RETURN_IF_ERROR(claim.Complete(tx, "resp"));
    EXPECT_EQ(claim.Complete(tx, "again").code(), StatusCode::kInternal);
    return absl::OkStatus();
  }));
  CC_ASSERT_OK(pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
    CC_ASSIGN_OR_RETURN(Claim claim,
                        ClaimRequest(tx, {kService, kMethod, kId}, "req"));
    EXPECT_TRUE(claim.is_replay());
    EXPECT_EQ(claim.response(), "resp");
    EXPECT_EQ(claim.Complete(tx, "x").code(), StatusCode::kInternal);
    return absl::OkStatus();
  }));
}

// Completing a claim costs no round trip of its own: its UPDATE travels
// with COMMIT (issue 13). A handler's write is the claim (with BEGIN), its
// own INSERT, and COMMIT: 3 round trips, as many as without idempotency
// plus the claim's.
TEST_F(IdempotencyTest, TheResponseTravelsWithCommit) {
  CC_ASSERT_OK_AND_ASSIGN(
      pool_, pg::Pool::Create({.conninfo = db_->conninfo(), .size = 1}));
  PGconn* conn = nullptr;
  {
    CC_ASSERT_OK_AND_ASSIGN(pg::Pool::Lease lease, pool_->Acquire());
    conn = lease->get();
  }
  cellchain::testing::RoundTripCounter trips(conn);
  CC_ASSERT_OK_AND_ASSIGN(std::string first, Register(kId, "D-1"));
  EXPECT_EQ(trips.Take(), 3);
  // The response was stored with the change: the retry gets it back, in
  // one round trip (the claim; COMMIT of a read-only claim is sent too).
  CC_ASSERT_OK_AND_ASSIGN(std::string again, Register(kId, "D-1"));
  EXPECT_EQ(again, first);
  EXPECT_EQ(trips.Take(), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 1);
}

// A claim completed in a transaction other than its own (a bug) is refused
// at COMMIT, which then writes nothing: no change without its response.
TEST_F(IdempotencyTest, CompletingInAnotherTransactionCommitsNothing) {
  CC_ASSERT_OK_AND_ASSIGN(pg::Pool::Lease first_conn, pool_->Acquire());
  CC_ASSERT_OK_AND_ASSIGN(pg::Pool::Lease second_conn, pool_->Acquire());
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction first,
                          pg::Transaction::Begin(*first_conn));
  CC_ASSERT_OK_AND_ASSIGN(Claim claim,
                          ClaimRequest(first, {kService, kMethod, kId}, "req"));
  ASSERT_FALSE(claim.is_replay());
  CC_ASSERT_OK_AND_ASSIGN(pg::Transaction second,
                          pg::Transaction::Begin(*second_conn));
  CC_ASSERT_OK(second.Exec("INSERT INTO donor (code) VALUES ('D-9')"));
  CC_ASSERT_OK(claim.Complete(second, "resp"));  // deferred
  absl::Status commit = second.Commit();
  EXPECT_EQ(commit.code(), StatusCode::kInternal) << commit;
  EXPECT_TRUE(absl::StrContains(commit.message(), "idempotency claim not found"))
      << commit;
  CC_ASSERT_OK(first.Rollback());
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_meta.idempotency"), 0);
}

TEST_F(IdempotencyTest, AnotherUsersRequestIdGetsItsOwnFreshResult) {
  CC_ASSERT_OK_AND_ASSIGN(std::string alice, RegisterAs("alice", kId, "D-1"));
  // Bob sends Alice's request id with the same request: his request runs,
  // and he gets his own response, never Alice's.
  CC_ASSERT_OK_AND_ASSIGN(std::string bob, RegisterAs("bob", kId, "D-1"));
  EXPECT_NE(bob, alice);
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 2);
  // Each one's retry replays their own.
  CC_ASSERT_OK_AND_ASSIGN(std::string alice_retry,
                          RegisterAs("alice", kId, "D-1"));
  CC_ASSERT_OK_AND_ASSIGN(std::string bob_retry, RegisterAs("bob", kId, "D-1"));
  EXPECT_EQ(alice_retry, alice);
  EXPECT_EQ(bob_retry, bob);
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 2);
  EXPECT_EQ(Count("SELECT count(DISTINCT user_id) FROM "
                  "cellchain_meta.idempotency"),
            2);
}

TEST_F(IdempotencyTest, AnExplicitUserIdOverridesTheCallerScope) {
  CallerScope scope("alice");
  CC_ASSERT_OK(pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
    CC_ASSIGN_OR_RETURN(
        Claim claim, ClaimRequest(tx, {kService, kMethod, kId, "carol"}, "r"));
    return claim.Complete(tx, "carol's");
  }));
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_meta.idempotency "
                  "WHERE user_id = 'carol'"),
            1);
}

TEST_F(IdempotencyTest, AnIdStoredWithoutACallerIsNotReusedByAUser) {
  // A row from before migration 0002 (user_id '') with a scrubbed hash:
  // its request is unknown, so a user's request under that id is refused
  // rather than run a second time.
  {
    absl::StatusOr<pg::Pool::Lease> lease = pool_->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    CC_ASSERT_OK((*lease)->Exec(
        "INSERT INTO cellchain_meta.idempotency "
        "(service, method, user_id, request_id, request_hash, response) "
        "VALUES ($1, $2, '', $3, decode(repeat('ab', 32), 'hex'), 'old')",
        {kService, kMethod, kId}));
  }
  absl::Status s = RegisterAs("alice", kId, "D-1").status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(ReasonOf(s), "REQUEST_ID_REUSED");
  EXPECT_EQ(Count("SELECT count(*) FROM donor"), 0);
}

TEST_F(IdempotencyTest, TheStoredHashIsKeyedAndRevealsNothingWithoutTheKey) {
  const std::string request = "RegisterDonor{code=D-1}";
  SetRequestHashKey(std::string(32, 'k'));
  CC_ASSERT_OK(Register(kId, "D-1"));
  std::string stored;
  {
    absl::StatusOr<pg::Pool::Lease> lease = pool_->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    CC_ASSERT_OK_AND_ASSIGN(
        pg::Result row,
        (*lease)->Exec("SELECT encode(request_hash, 'hex') "
                       "FROM cellchain_meta.idempotency"));
    CC_ASSERT_OK_AND_ASSIGN(stored, row.GetString(0, 0));
  }
  // Not the digest a reader of the table could compute from a guess...
  crypto::Sha256Digest plain = crypto::Sha256(request);
  EXPECT_NE(stored, crypto::HexEncode(std::string_view(
                        reinterpret_cast<const char*>(plain.data()),
                        plain.size())));
  // ...but HMAC-SHA-256 under the server's key:
  // printf 'RegisterDonor{code=D-1}' | openssl dgst -sha256 -hmac kkkk…(32)
  EXPECT_EQ(stored, crypto::HexEncode(RequestHash(request)));
  EXPECT_EQ(stored,
            "14fde908e273ae7d26fd99eff0cdbf50015880b49b38aabc771f94251ff71d5b");
  // Another key (another site, or a guess) gives another hash: a retry
  // under it no longer matches.
  SetRequestHashKey(std::string(32, 'x'));
  EXPECT_EQ(ReasonOf(Register(kId, "D-1").status()), "REQUEST_ID_REUSED");
  SetRequestHashKey(std::string(32, 'k'));
}

}  // namespace
}  // namespace cellchain::idempotency
