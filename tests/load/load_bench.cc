// load_bench: the whole stack under a day in the lab's load. Figures, not a
// test (docs/performance.md, "Whole stack under load").
//
//   tests/load/run.sh            (a stack of its own, concurrency 1, 4, 16)
//   build/bin/load_bench --target=127.0.0.1:7443 --pki=DIR ...  (by hand)
//
// Against a running cellchaind (every service hosted) over mTLS with the
// local stack's workstation certificates, --concurrency workers each run, for
// --duration seconds, the cycle a technician and QA make with one item:
//   technician (lab-ws-01)  custody RegisterItem      (a reagent lot)
//                           custody RecordTemperatures (one reading)
//                           custody InitiateHandoff    (to the second tech)
//   second technician       custody AcceptHandoff      (by scanning its code)
//   QA (qa-ws-01)           audit QueryRecords         (the item's records)
//                           custody TraceBackward      (the item)
//                           audit GetCheckpoint        (the latest)
//                           audit GetInclusionProof    (of a record this
//                                                       worker's QueryRecords
//                                                       saw >= 2 s before,
//                                                       against the checkpoint
//                                                       just fetched)
// With --qc-user and --pharm-user (the wider mix, run.sh's MIX=wide) the
// cycle also has
//   QC analyst (lab-ws-01)  qc ListLots                (lots in testing)
//   pharmacist (pharmacy-ws-01) dose ListDoses         (awaiting release)
// and with --wide-setup (what tests/load/wide_setup.sh made once before
// the run) their writes too, one step each a cycle (tests/load/wide_writes.h):
//   QC analysts             qc EnterResult, qc ReviewResult (a second
//                           analyst, --qc2-user)
//   pharmacist, clinician   dose ReleaseDose, dose IssueDose, custody
//                           AcceptIssued and HandBack (the cath lab's),
//                           dose ReturnDose: a dose round its loop
// They count as audited writes but are not written to --acked-out
// (tests/faults/acked_check checks custody's kinds only). Without these
// flags the cycle is the one the earlier figures were taken with.
// Every write is a real audited write (signed record, same transaction);
// nothing is mocked. Each acknowledged write is written to --acked-out as
// one line "kind request_id entity_id sent_unix_ms acked_unix_ms request
// response", the last two base64 of the request and response as serialized,
// so that
// tests/faults/acked_check can find each write's state and audit record,
// time the recovery after a fault, and replay the very request.
//
// A failed call is counted under its code and the worker moves on to its
// next cycle (after 50 ms when the server was UNAVAILABLE): the run
// survives cellchaind or PostgreSQL being killed under it (tests/faults).
// Each refused write (any write kind, the wider mix's too) is written to
// --refused-out as one line "kind request_id sent_unix_ms
// answered_unix_ms CODE" (request_id "-" for the wider mix's, whose ids
// wide_writes keeps), so that tests/ha/run.sh can count what was refused
// during each fault's gap. A refused write is not retried: the worker's
// next cycle makes new writes with new request ids (acked_check's replays
// are what show that a retry with the same id writes nothing twice), so
// the file says nothing of retries.
//
// Prints per RPC kind and in total: ok calls, ok/s, p50/p95/p99/max latency
// and errors by gRPC code; CPU seconds per request of cellchaind and of the
// PostgreSQL server (/proc utime + stime, before/after); the sequencer's lag
// to a signed checkpoint for every --lag-every'th item registered (from the
// RegisterItem ack until GetCheckpoint's tree size covers the record's log
// index, polled every 10 ms); then pgbench, one single-row INSERT per
// transaction at the same concurrency for the same time, in a scratch
// database of the same server, and the ratio audited writes/s to pgbench
// tx/s against the targets (>= 0.5, write p99 <= 25 ms, lag p99 <= 1 s).
//
// Flags: --target=HOST:PORT --pki=DIR (ca.crt, clients/lab-ws-01.*,
//        clients/qa-ws-01.*) --concurrency=N (4) --duration=S (20)
//        --tech-user --tech2-user --qa-user (env.sh's tech.tina, tech.tom,
//        qa.quinn) --acked-out=FILE --refused-out=FILE --lag-every=N (10)
//        --qc-user --pharm-user (the wider mix; none by default)
//        --wide-setup=FILE --qc2-user (the wider mix's writes; with both
//        of the above; the clinician is the setup's)
//        --stop-file=FILE (the run ends early once FILE exists)
//        --cellchaind-pidfile=FILE --postmaster-pidfile=FILE (for CPU)
//        --shared-connection=true (the two technicians' calls share one
//        connection, each with its own session token; default: one each)
//        --pg=CONNINFO (a superuser on the stack's PostgreSQL, for pgbench;
//        none: no pgbench run) --pgbench=PATH
//        --profile-sql=DATABASE (with --pg: what each statement PostgreSQL
//        ran for DATABASE cost during the load, per audited write; the
//        server must preload pg_stat_statements; tests/load/sql_profile.h)
//        --profile-top=N (15: statements listed)
// Passwords come from the environment (LOAD_TECH_PASSWORD,
// LOAD_TECH2_PASSWORD, LOAD_QA_PASSWORD, LOAD_QC_PASSWORD,
// LOAD_PHARM_PASSWORD, LOAD_QC2_PASSWORD, LOAD_CLIN_PASSWORD), not the
// command line.
// Exit: 0 when the run was made (targets missed or not), 1 on a setup
// failure (login, flags), 2 on bad flags.
#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "cellchain/dose/v1/dose.grpc.pb.h"
#include "cellchain/qc/v1/qc.grpc.pb.h"
#include "services/common/crypto/random.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/grpc/rpc_log_interceptor.h"
#include "services/common/status/status.h"
#include "services/ledger/bench/tool_flags.h"
#include "tests/load/load_session.h"
#include "tests/load/load_stats.h"
#include "tests/load/pgbench_run.h"
#include "tests/load/proc_cpu.h"
#include "tests/load/sql_profile.h"
#include "tests/load/wide_writes.h"

namespace cellchain::load {
namespace {

namespace audit = ::cellchain::audit::v1;
namespace custody = ::cellchain::custody::v1;
namespace dose = ::cellchain::dose::v1;
namespace qc = ::cellchain::qc::v1;
using Clock = std::chrono::steady_clock;

struct Flags {
  std::string target = "127.0.0.1:7443";
  std::string pki;
  int concurrency = 4;
  int duration = 20;
  std::string tech_user = "tech.tina";
  std::string tech2_user = "tech.tom";
  std::string qa_user = "qa.quinn";
  std::string qc_user;     // empty: no analyst in the mix
  std::string pharm_user;  // empty: no pharmacist in the mix
  std::string wide_setup;  // empty: no analysts' and pharmacist's writes
  std::string qc2_user = "qc.ana";
  std::string acked_out;
  std::string refused_out;
  std::string stop_file;
  int lag_every = 10;
  std::string cellchaind_pidfile;
  std::string postmaster_pidfile;
  std::string pg;
  std::string pgbench = "/usr/lib/postgresql/15/bin/pgbench";
  std::string profile_sql;  // a database name: profile its statements
  int profile_top = 15;
  bool shared_connection = false;
};

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  bench::ToolFlags tool("load_bench",
                        "The whole stack under a day in the lab's load "
                        "(docs/performance.md).\nPasswords come from "
                        "LOAD_TECH_PASSWORD, LOAD_TECH2_PASSWORD, "
                        "LOAD_QA_PASSWORD,\nLOAD_QC_PASSWORD, "
                        "LOAD_PHARM_PASSWORD, LOAD_QC2_PASSWORD and "
                        "LOAD_CLIN_PASSWORD.");
  config::Loader& flags = tool.loader();
  flags.String("target", &f.target, "cellchaind's gRPC address, HOST:PORT.");
  flags
      .String("pki", &f.pki,
              "The stack's PKI: ca.crt, clients/lab-ws-01.*, "
              "clients/qa-ws-01.*.")
      .Required();
  tool.Int("concurrency", &f.concurrency, 1, bench::kAnyInt,
           "Workers, each running the cycle.");
  tool.Int("duration", &f.duration, 1, bench::kAnyInt, "Seconds of load.");
  flags.String("tech-user", &f.tech_user, "The technician.");
  flags.String("tech2-user", &f.tech2_user, "The second technician.");
  flags.String("qa-user", &f.qa_user, "QA.");
  flags.String("qc-user", &f.qc_user,
               "A QC analyst in the mix (the wider mix); empty: none.");
  flags.String("pharm-user", &f.pharm_user,
               "A pharmacist in the mix (the wider mix); empty: none.");
  flags.String("wide-setup", &f.wide_setup,
               "tests/load/wide_setup.sh's file: the wider mix's writes too\n"
               "(with --qc-user and --pharm-user); empty: none.");
  flags.String("qc2-user", &f.qc2_user,
               "The second analyst of the wider mix's writes.");
  flags.String("acked-out", &f.acked_out,
               "Where each acknowledged custody write goes, one a line\n"
               "(tests/faults/acked_check reads it); empty: nowhere.");
  flags.String("refused-out", &f.refused_out,
               "Where each refused write attempt goes, one a line: kind,\n"
               "request id, sent and answered (Unix ms), gRPC code\n"
               "(tests/ha/run.sh counts them per fault); empty: nowhere.");
  flags.String("stop-file", &f.stop_file,
               "The run ends early once this file exists.");
  tool.Int("lag-every", &f.lag_every, 1, bench::kAnyInt,
           "Every Nth item registered has its lag to a checkpoint timed.");
  flags.String("cellchaind-pidfile", &f.cellchaind_pidfile,
               "cellchaind's pid file, for its CPU seconds.");
  flags.String("postmaster-pidfile", &f.postmaster_pidfile,
               "PostgreSQL's postmaster.pid, for its CPU seconds.");
  flags.Bool("shared-connection", &f.shared_connection,
             "The two technicians' calls share one connection, each with\n"
             "its own session token (default: one each).");
  flags.String("pg", &f.pg,
               "A superuser's conninfo on the stack's PostgreSQL, for\n"
               "pgbench; empty: no pgbench run.");
  flags.String("pgbench", &f.pgbench, "pgbench to run.");
  flags.String("profile-sql", &f.profile_sql,
               "With --pg: what each statement PostgreSQL ran for this\n"
               "database cost during the load, per audited write (the\n"
               "server must preload pg_stat_statements); empty: none.");
  tool.Int("profile-top", &f.profile_top, 1, bench::kAnyInt,
           "Statements the profile lists.");
  tool.LoadOrExit(argc, argv, [&]() -> std::vector<std::string> {
    if (!f.profile_sql.empty() && f.pg.empty()) {
      return {tool.Problem("profile-sql", "needs --pg=CONNINFO")};
    }
    return {};
  });
  return f;
}

// The kinds, in the order the table prints them; the first four write.
constexpr const char* kKinds[] = {
    "custody.RegisterItem",  "custody.RecordTemps",  "custody.InitiateHandoff",
    "custody.AcceptHandoff", "audit.QueryRecords",   "custody.TraceBackward",
    "audit.GetCheckpoint",   "audit.InclusionProof", "qc.ListLots",
    "dose.ListDoses",        kWideKindNames[0],      kWideKindNames[1],
    kWideKindNames[2],       kWideKindNames[3],      kWideKindNames[4],
    kWideKindNames[5],       kWideKindNames[6]};
constexpr int kWriteKinds = 4;
constexpr int kFirstWide = 10;  // the wider mix's writes, kFirstWide on
constexpr int kKindCount = sizeof(kKinds) / sizeof(kKinds[0]);
static_assert(kKindCount == kFirstWide + kWideKindCount);

int64_t UnixMillis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             t.time_since_epoch())
      .count();
}

// A registered item whose record's way into a signed checkpoint is timed.
struct LagSample {
  std::string item_id;
  Clock::time_point acked;
  int64_t log_index = -1;
};

// What the workers share: the people, where acknowledged writes go, and the
// samples for the lag probe.
struct Shared {
  const Flags* flags = nullptr;
  Person tech, tech2, qa;
  std::optional<Person> qc, pharm;  // the wider mix's, when given
  std::unique_ptr<WideLab> wide;    // its writes, with --wide-setup
  std::atomic<bool> stop{false};
  std::mutex acked_mu;
  std::ofstream acked;
  std::mutex refused_mu;
  std::ofstream refused;
  std::mutex samples_mu;
  std::deque<LagSample> samples;
};

// The audit service's answer to a proof asked too early: the record is not
// in the log, or not in the checkpoint asked against, yet.
bool NotYetInACheckpoint(const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
    return false;
  }
  const std::string reason = ReasonOf(grpcx::FromGrpcStatus(status));
  return reason == "RECORD_NOT_YET_INTEGRATED" ||
         reason == "RECORD_NOT_YET_CHECKPOINTED";
}

class Worker {
 public:
  Worker(Shared& shared, int index)
      : shared_(shared),
        index_(index),
        tech_custody_(custody::CustodyService::NewStub(shared.tech.channel)),
        tech2_custody_(custody::CustodyService::NewStub(shared.tech2.channel)),
        qa_custody_(custody::CustodyService::NewStub(shared.qa.channel)),
        qa_audit_(audit::AuditService::NewStub(shared.qa.channel)) {
    if (shared.qc) qc_ = qc::QcService::NewStub(shared.qc->channel);
    if (shared.pharm)
      pharm_ = dose::DoseService::NewStub(shared.pharm->channel);
    if (shared.wide) {
      wide_ = std::make_unique<WideWorker>(
          *shared.wide, index,
          [this](WideKind k, const std::function<grpc::Status()>& call) {
            return Timed(kFirstWide + k, call);
          });
    }
  }

  void Run() {
    int64_t cycle = 0;
    while (!shared_.stop.load(std::memory_order_relaxed)) {
      Cycle(cycle++);
    }
  }

  KindStats& stats(int kind) { return stats_[kind]; }
  int64_t proofs_not_yet() const { return proofs_not_yet_; }

 private:
  // Times `call` (a lambda returning grpc::Status) as `kind`; a write's
  // `request_id` names it in --refused-out when it is refused.
  template <typename Call>
  bool Timed(int kind, Call call) {
    return Timed(kind, "-", call);
  }
  template <typename Call>
  bool Timed(int kind, std::string_view request_id, Call call) {
    const Clock::time_point start = Clock::now();
    sent_ = std::chrono::system_clock::now();
    return Count(kind, call(), start, request_id);
  }

  // Counts the answer `status` to a call of `kind` made at `start`.
  bool Count(int kind, const grpc::Status& status, Clock::time_point start,
             std::string_view request_id = "-") {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            Clock::now() - start)
                            .count();
    if (status.ok()) {
      stats_[kind].ok_micros.push_back(micros);
      return true;
    }
    ++stats_[kind].errors[grpcx::StatusCodeName(status.error_code())];
    if (kind < kWriteKinds || kind >= kFirstWide) {
      Refused(kind, request_id, status.error_code());
    }
    // A server that is down answers at once: back off rather than count
    // a million refusals in a tight loop.
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // Each new kind of failure is said (a fault run meets several in turn),
    // not every repetition of one.
    std::string error = absl::StrCat(kKinds[kind], ": ",
                                     grpcx::StatusCodeName(status.error_code()),
                                     " ", status.error_message());
    if (error != last_error_ && reported_errors_++ < 20) {
      std::cerr << "load_bench: "
                << UnixMillis(std::chrono::system_clock::now()) << " worker "
                << index_ << " " << error << "\n";
    }
    last_error_ = std::move(error);
    return false;
  }

  void Refused(int kind, std::string_view request_id, int code) {
    if (!shared_.refused.is_open()) return;
    const std::string line = absl::StrCat(
        kKinds[kind], " ", std::string(request_id), " ", UnixMillis(sent_), " ",
        UnixMillis(std::chrono::system_clock::now()), " ",
        grpcx::StatusCodeName(code), "\n");
    std::lock_guard<std::mutex> lock(shared_.refused_mu);
    shared_.refused << line << std::flush;  // as the acknowledged ones
  }

  void Acked(int kind, const std::string& request_id,
             const std::string& entity_id,
             const google::protobuf::Message& request,
             const google::protobuf::Message& response) {
    if (!shared_.acked.is_open()) return;
    // Wall-clock times, to compare with the moments tests/faults/run.sh
    // logs its faults at (date +%s%3N): a write sent before a fault may be
    // acknowledged after it, and does not show that the stack recovered.
    const std::string line = absl::StrCat(
        kKinds[kind], " ", request_id, " ", entity_id, " ", UnixMillis(sent_),
        " ", UnixMillis(std::chrono::system_clock::now()), " ",
        absl::Base64Escape(request.SerializeAsString()), " ",
        absl::Base64Escape(response.SerializeAsString()), "\n");
    std::lock_guard<std::mutex> lock(shared_.acked_mu);
    // Flushed at once: a line is only worth keeping if it reaches the file
    // even when this process is the one that dies.
    shared_.acked << line << std::flush;
  }

  void Cycle(int64_t cycle) {
    // 1. The technician registers a reagent lot under a local code.
    custody::RegisterItemRequest reg;
    std::string request_id = crypto::RandomId("load");
    reg.mutable_context()->set_request_id(request_id);
    reg.set_type(custody::ITEM_TYPE_REAGENT_LOT);
    const std::string code = "LOAD-" + crypto::RandomId("r").substr(2);
    reg.set_local_code(code);
    reg.set_description("load bench reagent lot");
    custody::RegisterItemResponse registered;
    if (!Timed(0, request_id, [&] {
          return tech_custody_->RegisterItem(
              CallContext(shared_.tech, request_id).get(), reg, &registered);
        })) {
      return;
    }
    const Clock::time_point acked = Clock::now();
    const std::string item_id = registered.item().item_id();
    Acked(0, request_id, item_id, reg, registered);
    if (cycle % shared_.flags->lag_every == 0) {
      std::lock_guard<std::mutex> lock(shared_.samples_mu);
      shared_.samples.push_back({item_id, acked, -1});
    }

    // 2. A logger's reading of it.
    custody::RecordTemperaturesRequest temps;
    request_id = crypto::RandomId("load");
    temps.mutable_context()->set_request_id(request_id);
    temps.set_item_id(item_id);
    temps.set_logger_id("LOGGER-LOAD-01");
    custody::TemperatureReading* reading = temps.add_readings();
    // Taken as it was registered: a reading may not predate the item, nor
    // lie in the server's future.
    *reading->mutable_measured_at() = registered.item().registered_at();
    reading->set_celsius(4.0);
    custody::RecordTemperaturesResponse recorded;
    if (Timed(1, request_id, [&] {
          return tech_custody_->RecordTemperatures(
              CallContext(shared_.tech, request_id).get(), temps, &recorded);
        })) {
      Acked(1, request_id, recorded.upload().upload_id(), temps, recorded);
    }

    // 3. Handed to the second technician, who 4. accepts it by scanning it.
    custody::InitiateHandoffRequest hand;
    request_id = crypto::RandomId("load");
    hand.mutable_context()->set_request_id(request_id);
    hand.set_item_id(item_id);
    hand.set_to_user_id(shared_.tech2.user_id);
    hand.set_condition("sealed box");
    hand.set_seal_intact(true);
    custody::InitiateHandoffResponse handed;
    if (Timed(2, request_id, [&] {
          return tech_custody_->InitiateHandoff(
              CallContext(shared_.tech, request_id).get(), hand, &handed);
        })) {
      Acked(2, request_id, handed.handoff().handoff_id(), hand, handed);
      custody::AcceptHandoffRequest accept;
      request_id = crypto::RandomId("load");
      accept.mutable_context()->set_request_id(request_id);
      accept.set_handoff_id(handed.handoff().handoff_id());
      accept.set_scan(code);
      accept.set_condition("sealed box");
      accept.set_seal_intact(true);
      custody::AcceptHandoffResponse accepted;
      if (Timed(3, request_id, [&] {
            return tech2_custody_->AcceptHandoff(
                CallContext(shared_.tech2, request_id).get(), accept,
                &accepted);
          })) {
        Acked(3, request_id, accepted.handoff().handoff_id(), accept, accepted);
      }
    }

    // 5.-7. QA reads: the item's records, its trace, the checkpoint.
    audit::QueryRecordsRequest query;
    query.mutable_filter()->mutable_entity()->set_type("item");
    query.mutable_filter()->mutable_entity()->set_id(item_id);
    audit::QueryRecordsResponse records;
    Timed(4, [&] {
      return qa_audit_->QueryRecords(CallContext(shared_.qa).get(), query,
                                     &records);
    });
    custody::TraceRequest trace;
    trace.set_item_id(item_id);
    custody::TraceResponse traced;
    Timed(5, [&] {
      return qa_custody_->TraceBackward(CallContext(shared_.qa).get(), trace,
                                        &traced);
    });
    audit::GetCheckpointRequest checkpoint;
    audit::GetCheckpointResponse latest;
    Timed(6, [&] {
      return qa_audit_->GetCheckpoint(CallContext(shared_.qa).get(), checkpoint,
                                      &latest);
    });
    const Clock::time_point now = Clock::now();
    if (records.records_size() > 0) {
      seen_records_.emplace_back(now, records.records(0).record().record_id());
    }
    std::optional<std::string> to_prove;
    while (!seen_records_.empty() &&
           now - seen_records_.front().first >= std::chrono::seconds(2)) {
      to_prove = std::move(seen_records_.front().second);
      seen_records_.pop_front();
    }
    if (to_prove) {
      // As a QA client proves a record: against the checkpoint it holds
      // (the one just fetched; 0, the latest, when that failed). A record
      // 2 s old is normally in it, but a failover's pause can hold the
      // sequencer longer, and the server then rightly answers
      // FAILED_PRECONDITION RECORD_NOT_YET_INTEGRATED or
      // RECORD_NOT_YET_CHECKPOINTED ("record ... is leaf N, beyond the
      // checkpoint of size M"). Its index is unknown here (QueryRecords saw
      // it pending), so the client cannot wait for a covering checkpoint
      // beforehand; it does what a person would: keeps the record and asks
      // again 2 s later. That answer is counted apart (proofs_not_yet),
      // neither a failure nor a proof.
      audit::GetInclusionProofRequest prove;
      prove.set_record_id(*to_prove);
      prove.set_tree_size(latest.checkpoint().tree_size());
      audit::GetInclusionProofResponse proof;
      const Clock::time_point start = Clock::now();
      const grpc::Status status = qa_audit_->GetInclusionProof(
          CallContext(shared_.qa).get(), prove, &proof);
      if (NotYetInACheckpoint(status)) {
        ++proofs_not_yet_;
        seen_records_.emplace_back(Clock::now(), *std::move(to_prove));
      } else {
        Count(7, status, start);
      }
    }

    // The wider mix: the analyst's and the pharmacist's worklists.
    if (qc_) {
      qc::ListLotsRequest lots;
      lots.set_state(qc::LOT_STATE_TESTING);
      qc::ListLotsResponse listed;
      Timed(8, [&] {
        return qc_->ListLots(CallContext(*shared_.qc).get(), lots, &listed);
      });
    }
    if (pharm_) {
      dose::ListDosesRequest worklist;
      worklist.set_worklist(dose::WORKLIST_AWAITING_RELEASE);
      dose::ListDosesResponse doses;
      Timed(9, [&] {
        return pharm_->ListDoses(CallContext(*shared_.pharm).get(), worklist,
                                 &doses);
      });
    }
    if (wide_) wide_->Cycle();
  }

  Shared& shared_;
  int index_;
  std::unique_ptr<custody::CustodyService::Stub> tech_custody_;
  std::unique_ptr<custody::CustodyService::Stub> tech2_custody_;
  std::unique_ptr<custody::CustodyService::Stub> qa_custody_;
  std::unique_ptr<audit::AuditService::Stub> qa_audit_;
  std::unique_ptr<qc::QcService::Stub> qc_;  // null outside the wider mix
  std::unique_ptr<dose::DoseService::Stub> pharm_;  // null outside it
  std::unique_ptr<WideWorker> wide_;  // null without --wide-setup
  KindStats stats_[kKindCount];
  int reported_errors_ = 0;
  std::string last_error_;
  // Proofs asked before a checkpoint held their record (asked again).
  int64_t proofs_not_yet_ = 0;
  // When the last call Timed made was sent.
  std::chrono::system_clock::time_point sent_;
  // Records QueryRecords returned, oldest first, for the inclusion proofs:
  // a record is proved once it is 2 s old (checkpoint lag p99 is well
  // under that), so a proof asks for an integrated record, not for one the
  // sequencer has yet to reach; one it has not reached after all (a
  // failover's pause) comes back here to be asked again.
  std::deque<std::pair<Clock::time_point, std::string>> seen_records_;
};

// The lag probe: for each sampled item, its register record's log index
// (QueryRecords; -1 until the sequencer integrates it), then the first
// moment GetCheckpoint's tree size exceeds that index. Polls every 10 ms
// until `deadline`; samples still open then are reported as such.
struct LagFigures {
  std::vector<int64_t> micros;
  int64_t unresolved = 0;
};

LagFigures ProbeLag(Shared& shared, const std::atomic<bool>& workers_done,
                    std::chrono::seconds grace) {
  auto audit_stub = audit::AuditService::NewStub(shared.qa.channel);
  LagFigures figures;
  std::vector<LagSample> open;
  std::optional<Clock::time_point> give_up;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(shared.samples_mu);
      while (!shared.samples.empty()) {
        open.push_back(std::move(shared.samples.front()));
        shared.samples.pop_front();
      }
    }
    if (workers_done.load() && !give_up) give_up = Clock::now() + grace;
    if (give_up && (open.empty() || Clock::now() > *give_up)) break;
    if (!open.empty()) {
      audit::GetCheckpointRequest request;
      audit::GetCheckpointResponse latest;
      const bool have_checkpoint =
          audit_stub
              ->GetCheckpoint(CallContext(shared.qa).get(), request, &latest)
              .ok();
      const Clock::time_point seen = Clock::now();
      for (auto it = open.begin(); it != open.end();) {
        if (it->log_index < 0) {
          audit::QueryRecordsRequest query;
          query.mutable_filter()->mutable_entity()->set_type("item");
          query.mutable_filter()->mutable_entity()->set_id(it->item_id);
          query.mutable_page()->set_page_size(1);
          audit::QueryRecordsResponse records;
          if (audit_stub
                  ->QueryRecords(CallContext(shared.qa).get(), query, &records)
                  .ok() &&
              records.records_size() > 0) {
            it->log_index = records.records(0).log_index();
          }
        }
        if (have_checkpoint && it->log_index >= 0 &&
            latest.checkpoint().tree_size() > it->log_index) {
          figures.micros.push_back(
              std::chrono::duration_cast<std::chrono::microseconds>(seen -
                                                                    it->acked)
                  .count());
          it = open.erase(it);
        } else {
          ++it;
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  figures.unresolved = static_cast<int64_t>(open.size());
  return figures;
}

std::optional<double> CellchaindCpu(const Flags& flags) {
  if (flags.cellchaind_pidfile.empty()) return std::nullopt;
  std::optional<pid_t> pid = ReadPidFile(flags.cellchaind_pidfile);
  return pid ? ProcessCpuSeconds(*pid) : std::nullopt;
}

std::optional<double> PostgresCpu(const Flags& flags) {
  if (flags.postmaster_pidfile.empty()) return std::nullopt;
  std::optional<pid_t> pid = ReadPidFile(flags.postmaster_pidfile);
  return pid ? PostgresCpuSeconds(*pid) : std::nullopt;
}

std::string CpuPer(std::optional<double> before, std::optional<double> after,
                   int64_t requests) {
  if (!before || !after || requests == 0) return "n/a";
  char text[96];
  std::snprintf(text, sizeof text, "%.1f us/request (%.2f CPU s in all)",
                (*after - *before) * 1e6 / static_cast<double>(requests),
                *after - *before);
  return text;
}

const char* Verdict(bool met) { return met ? "met" : "MISSED"; }

// The wider mix's writes: the setup's file read, the second analyst and the
// clinician logged in. False, said on stderr, when any of it fails.
bool SetUpWide(const Flags& flags, Shared& shared) {
  if (!shared.qc || !shared.pharm) {
    std::cerr << "load_bench: --wide-setup needs --qc-user and --pharm-user\n";
    return false;
  }
  absl::StatusOr<WideSetup> setup = ReadWideSetup(flags.wide_setup);
  if (!setup.ok()) {
    std::cerr << "load_bench: " << setup.status() << "\n";
    return false;
  }
  std::optional<Person> reviewer =
      LogIn(flags.target, flags.pki, "lab-ws-01", flags.qc2_user,
            EnvOrEmpty("LOAD_QC2_PASSWORD"));
  std::optional<Person> clinician =
      LogIn(flags.target, flags.pki, "clinic-ws-01", setup->clinician,
            EnvOrEmpty("LOAD_CLIN_PASSWORD"));
  if (!reviewer || !clinician) return false;
  WidePeople people{*shared.qc,
                    *std::move(reviewer),
                    shared.qa,
                    *shared.pharm,
                    *std::move(clinician),
                    EnvOrEmpty("LOAD_QC_PASSWORD"),
                    EnvOrEmpty("LOAD_QC2_PASSWORD"),
                    EnvOrEmpty("LOAD_QA_PASSWORD"),
                    EnvOrEmpty("LOAD_PHARM_PASSWORD")};
  absl::StatusOr<std::unique_ptr<WideLab>> lab =
      WideLab::Start(*std::move(setup), std::move(people));
  if (!lab.ok()) {
    std::cerr << "load_bench: " << lab.status() << "\n";
    return false;
  }
  shared.wide = *std::move(lab);
  return true;
}

int Main(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  // Calls here are fail-fast: grpcx::NewChannel (the first gRPC use, in
  // LogIn) makes reconnecting channels polled often enough that the workers
  // get through as soon as a restarted cellchaind is up.
  Shared shared;
  shared.flags = &flags;
  std::optional<Person> tech =
      LogIn(flags.target, flags.pki, "lab-ws-01", flags.tech_user,
            EnvOrEmpty("LOAD_TECH_PASSWORD"));
  std::optional<Person> tech2 =
      LogIn(flags.target, flags.pki, "lab-ws-01", flags.tech2_user,
            EnvOrEmpty("LOAD_TECH2_PASSWORD"));
  if (flags.shared_connection && tech && tech2) {
    // Both technicians through one connection, as two people at one
    // workstation's client process would be: each call still carries its
    // own session token.
    tech2->channel = tech->channel;
  }
  std::optional<Person> qa =
      LogIn(flags.target, flags.pki, "qa-ws-01", flags.qa_user,
            EnvOrEmpty("LOAD_QA_PASSWORD"));
  if (!tech || !tech2 || !qa) return 1;
  if (!flags.qc_user.empty()) {
    shared.qc = LogIn(flags.target, flags.pki, "lab-ws-01", flags.qc_user,
                      EnvOrEmpty("LOAD_QC_PASSWORD"));
    if (!shared.qc) return 1;
  }
  if (!flags.pharm_user.empty()) {
    shared.pharm = LogIn(flags.target, flags.pki, "pharmacy-ws-01",
                         flags.pharm_user, EnvOrEmpty("LOAD_PHARM_PASSWORD"));
    if (!shared.pharm) return 1;
  }
  shared.tech = *std::move(tech);
  shared.tech2 = *std::move(tech2);
  shared.qa = *std::move(qa);
  if (!flags.wide_setup.empty() && !SetUpWide(flags, shared)) return 1;
  if (!flags.acked_out.empty()) {
    shared.acked.open(flags.acked_out, std::ios::app);
    if (!shared.acked) {
      std::cerr << "load_bench: cannot write " << flags.acked_out << "\n";
      return 1;
    }
  }
  if (!flags.refused_out.empty()) {
    shared.refused.open(flags.refused_out, std::ios::trunc);
    if (!shared.refused) {
      std::cerr << "load_bench: cannot write " << flags.refused_out << "\n";
      return 1;
    }
  }

  std::cout << "load_bench: " << flags.concurrency << " worker(s), "
            << flags.duration << " s against " << flags.target << "\n";
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < flags.concurrency; ++i) {
    workers.push_back(std::make_unique<Worker>(shared, i));
  }
  std::atomic<bool> workers_done{false};
  LagFigures lag;
  std::thread prober(
      [&] { lag = ProbeLag(shared, workers_done, std::chrono::seconds(5)); });
  std::unique_ptr<SqlProfile> profile;
  if (!flags.profile_sql.empty()) {
    absl::StatusOr<std::unique_ptr<SqlProfile>> started =
        SqlProfile::Start(flags.pg, flags.profile_sql);
    if (!started.ok()) {
      std::cerr << "load_bench: " << started.status() << "\n";
      return 1;
    }
    profile = *std::move(started);
  }
  const std::optional<double> daemon_before = CellchaindCpu(flags);
  const std::optional<double> pg_before = PostgresCpu(flags);
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->Run(); });
  // Until --duration is over, or earlier when --stop-file appears (a run
  // whose end depends on the faults made under it).
  const Clock::time_point end = start + std::chrono::seconds(flags.duration);
  while (Clock::now() < end && (flags.stop_file.empty() ||
                                !std::filesystem::exists(flags.stop_file))) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  shared.stop = true;
  for (std::thread& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  const std::optional<double> daemon_after = CellchaindCpu(flags);
  const std::optional<double> pg_after = PostgresCpu(flags);
  if (profile) {
    if (absl::Status stopped = profile->Stop(); !stopped.ok()) {
      std::cerr << "load_bench: SQL profile: " << stopped << "\n";
      profile.reset();
    }
  }
  workers_done = true;
  prober.join();
  if (shared.acked.is_open()) shared.acked.flush();
  if (shared.wide) std::cout << shared.wide->Report(start) << "\n";

  KindStats writes, all;
  std::string kind_lines;
  std::cout << HeaderRow() << "\n";
  for (int k = 0; k < kKindCount; ++k) {
    KindStats merged;
    for (auto& w : workers) merged.Merge(w->stats(k));
    if (k < kWriteKinds || k >= kFirstWide) writes.Merge(merged);
    all.Merge(merged);
    if ((k == 8 && !shared.qc) || (k == 9 && !shared.pharm) ||
        (k >= kFirstWide && !shared.wide)) {
      continue;
    }
    const KindSummary summary = Summarize(std::move(merged), seconds);
    std::cout << FormatRow(kKinds[k], summary) << "\n";
    // Machine-readable, for run.sh's growth table and tests/load/plot.sh.
    kind_lines += absl::StrFormat(
        "KIND concurrency=%d kind=%s per_s=%.1f p50_ms=%.2f p99_ms=%.2f "
        "errors=%d\n",
        flags.concurrency, kKinds[k], summary.per_second, summary.p50_ms,
        summary.p99_ms, summary.failed);
  }
  const KindSummary write_summary = Summarize(writes, seconds);
  const KindSummary all_summary = Summarize(all, seconds);
  std::cout << FormatRow("audited writes", write_summary) << "\n"
            << FormatRow("all", all_summary) << "\n";
  int64_t proofs_not_yet = 0;
  for (auto& w : workers) proofs_not_yet += w->proofs_not_yet();
  std::cout << "audit.InclusionProof: " << proofs_not_yet
            << " asked before a checkpoint held the record (asked again 2 s "
               "later; not counted above)\n";
  if (daemon_before && !daemon_after) {
    // What a person must see first: the server died under this load.
    std::cout << "cellchaind EXITED during the run (its pid file's process "
                 "is gone; see its log)\n";
  }
  std::cout << "CPU cellchaind: "
            << CpuPer(daemon_before, daemon_after, all_summary.ok) << "\n"
            << "CPU PostgreSQL: " << CpuPer(pg_before, pg_after, all_summary.ok)
            << "\n";
  KindStats lag_stats;
  lag_stats.ok_micros = lag.micros;
  const KindSummary lag_summary = Summarize(lag_stats, seconds);
  std::printf(
      "checkpoint lag (%lld sampled registrations, %lld not covered 5 s "
      "after the run): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
      static_cast<long long>(lag_summary.ok),
      static_cast<long long>(lag.unresolved), lag_summary.p50_ms,
      lag_summary.p95_ms, lag_summary.p99_ms, lag_summary.max_ms);
  if (profile) {
    std::optional<double> server_cpu;
    if (pg_before && pg_after) server_cpu = *pg_after - *pg_before;
    profile->Report(write_summary.ok, flags.profile_top, std::cout, server_cpu);
  }
  std::fflush(stdout);

  std::optional<PgbenchFigures> pgbench;
  if (!flags.pg.empty()) {
    const std::optional<double> pgb_before = PostgresCpu(flags);
    pgbench = RunPgbenchInsert(flags.pgbench, flags.pg, flags.concurrency,
                               flags.duration);
    const std::optional<double> pgb_after = PostgresCpu(flags);
    if (pgbench) {
      std::printf(
          "pgbench (single-row INSERT, %d clients, %d s): %.1f tx/s, latency "
          "p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
          flags.concurrency, flags.duration, pgbench->tps, pgbench->p50_ms,
          pgbench->p99_ms, pgbench->max_ms);
      std::cout << "CPU PostgreSQL under pgbench: "
                << CpuPer(pgb_before, pgb_after, pgbench->transactions) << "\n";
    }
  }

  // The targets of issue 13, each measured in this run.
  std::printf("targets at concurrency %d:\n", flags.concurrency);
  if (pgbench && pgbench->tps > 0) {
    const double ratio = write_summary.per_second / pgbench->tps;
    std::printf(
        "  audited writes/s / pgbench tx/s = %.1f / %.1f = %.3f "
        "(target >= 0.5: %s)\n",
        write_summary.per_second, pgbench->tps, ratio, Verdict(ratio >= 0.5));
  } else {
    std::printf("  audited writes/s / pgbench tx/s: no pgbench figure\n");
  }
  std::printf("  audited write p99 = %.2f ms (target <= 25 ms: %s)\n",
              write_summary.p99_ms, Verdict(write_summary.p99_ms <= 25.0));
  std::printf("  checkpoint lag p99 = %.1f ms (target <= 1000 ms: %s)\n",
              lag_summary.p99_ms,
              Verdict(lag_summary.ok > 0 && lag.unresolved == 0 &&
                      lag_summary.p99_ms <= 1000.0));
  std::cout << kind_lines;
  // A machine-readable line for run.sh's table.
  std::printf(
      "SUMMARY concurrency=%d writes_per_s=%.1f write_p99_ms=%.2f "
      "all_per_s=%.1f all_p99_ms=%.2f errors=%lld lag_p99_ms=%.1f "
      "pgbench_tps=%.1f\n",
      flags.concurrency, write_summary.per_second, write_summary.p99_ms,
      all_summary.per_second, all_summary.p99_ms,
      static_cast<long long>(all_summary.failed), lag_summary.p99_ms,
      pgbench ? pgbench->tps : 0.0);
  return 0;
}

}  // namespace
}  // namespace cellchain::load

int main(int argc, char** argv) { return cellchain::load::Main(argc, argv); }
