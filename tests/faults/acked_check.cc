// acked_check: after tests/faults/run.sh's faults, with the stack up again,
// proves that nothing load_bench saw acknowledged was lost or written twice.
// Over the public RPCs and mTLS, as the stack's people:
//   1. waits until the sequencer has integrated every stored audit record
//      (QueryRecords, the whole log, as QA);
//   2. for every acknowledged write (load_bench --acked-out): its signed
//      audit record of its entity under its request id (QueryRecords), and
//      its state (custody GetItem: the item registered with its code, the
//      handoff initiated, the handoff accepted as answered; a temperature
//      upload, which no RPC reads, by step 3's check of every entity's
//      current state against its last record); a request id holding the
//      same action on the same entity twice is a duplicate;
//   3. verifies the whole log as `cellchain audit verify` does (VerifyLog:
//      signatures, entity chains, checkpoints, inclusion, current state);
//   4. replays --replay writes (0: all) with their request ids and bytes,
//      each as the person who made it: the answer must be the first one and
//      the log must hold as many records as before;
//   5. with --faults (run.sh's "unix_ms what" lines), the time from each
//      fault to the first write acknowledged after it, p50 and max by kind.
// Prints the counts and a SUMMARY line for run.sh.
//
// Flags: --target=HOST:PORT --pki=DIR --acked=FILE [--faults=FILE]
//        [--replay=N (0: all)] [--threads=N (4)] [--tech-user --tech2-user
//        --qa-user] ; passwords from LOAD_TECH_PASSWORD, LOAD_TECH2_PASSWORD,
//        LOAD_QA_PASSWORD.
// Exit: 0 nothing missing, duplicated, replayed differently or found by
// the verification; 1 any of those, no acknowledged write at all, or a setup
// failure; 2 bad flags.
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "services/common/grpc/rpc_log_interceptor.h"
#include "services/ledger/bench/tool_flags.h"
#include "tests/faults/acked_log.h"
#include "tests/load/load_session.h"

namespace cellchain::faults {
namespace {

namespace audit = ::cellchain::audit::v1;
namespace custody = ::cellchain::custody::v1;
using load::CallContext;
using load::Person;

struct Flags {
  std::string target;
  std::string pki;
  std::string acked;
  std::string faults;
  int replay = 0;
  int threads = 4;
  std::string tech_user = "tech.tina";
  std::string tech2_user = "tech.tom";
  std::string qa_user = "qa.quinn";
};

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  bench::ToolFlags tool(
      "acked_check",
      "Every acknowledged write kept its state and audit record, once\n"
      "(docs/reliability.md). Passwords come from LOAD_TECH_PASSWORD,\n"
      "LOAD_TECH2_PASSWORD and LOAD_QA_PASSWORD.");
  config::Loader& flags = tool.loader();
  flags.String("target", &f.target, "The stack, HOST:PORT.").Required();
  flags.String("pki", &f.pki, "The stack's PKI, as load_bench's.").Required();
  flags.String("acked", &f.acked, "load_bench's --acked-out file.").Required();
  flags.String("faults", &f.faults,
               "run.sh's \"unix_ms what\" lines: time each fault's recovery;\n"
               "empty: none.");
  tool.Int("replay", &f.replay, 0, bench::kAnyInt,
           "Acknowledged writes replayed (0: all).");
  tool.Int("threads", &f.threads, 1, bench::kAnyInt, "Checking threads.");
  flags.String("tech-user", &f.tech_user, "The technician.");
  flags.String("tech2-user", &f.tech2_user, "The second technician.");
  flags.String("qa-user", &f.qa_user, "QA.");
  tool.LoadOrExit(argc, argv);
  return f;
}

// An acknowledged write's kind as load_bench names it, the entity type of
// the record it must have left, and who made it.
struct KindInfo {
  const char* kind;
  const char* entity_type;
  bool second_technician;
};
constexpr KindInfo kKinds[] = {
    {"custody.RegisterItem", "item", false},
    {"custody.RecordTemps", "temperature_upload", false},
    {"custody.InitiateHandoff", "handoff", false},
    {"custody.AcceptHandoff", "handoff", true},
};

const KindInfo* FindKind(const std::string& kind) {
  for (const KindInfo& k : kKinds) {
    if (kind == k.kind) return &k;
  }
  return nullptr;
}

// The stored log as QueryRecords lists it: per request id, each record's
// (action, entity type, entity id).
struct LogIndex {
  int64_t records = 0;
  int64_t unintegrated = 0;
  std::map<std::string,
           std::vector<std::tuple<std::string, std::string, std::string>>>
      by_request;
};

std::optional<LogIndex> ListLog(const Person& qa) {
  auto stub = audit::AuditService::NewStub(qa.channel);
  LogIndex index;
  std::string token;
  do {
    audit::QueryRecordsRequest request;
    request.mutable_page()->set_page_size(1000);
    request.mutable_page()->set_page_token(token);
    audit::QueryRecordsResponse response;
    grpc::Status status =
        stub->QueryRecords(CallContext(qa, "", std::chrono::seconds(60)).get(),
                           request, &response);
    if (!status.ok()) {
      std::cerr << "acked_check: QueryRecords: "
                << grpcx::StatusCodeName(status.error_code()) << " "
                << status.error_message() << "\n";
      return std::nullopt;
    }
    for (const audit::RecordView& view : response.records()) {
      ++index.records;
      if (view.log_index() < 0) ++index.unintegrated;
      const audit::AuditRecord& r = view.record();
      index.by_request[r.request_id()].emplace_back(
          r.action(), r.entity().type(), r.entity().id());
    }
    token = response.page().next_page_token();
  } while (!token.empty());
  return index;
}

// Runs `work(i)` for i in [0, n) on `threads` threads.
template <typename Work>
void ForEach(size_t n, int threads, Work work) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) work(i);
    });
  }
  for (std::thread& t : pool) t.join();
}

// What GetItem shows of one item, fetched once for all its writes.
struct ItemView {
  bool found = false;
  custody::GetItemResponse item;
};

// The item a write of an item-kind concerns ("" for an upload).
std::string ItemOf(const AckedWrite& w) {
  if (w.kind == "custody.RegisterItem") return w.entity_id;
  if (w.kind == "custody.InitiateHandoff") {
    custody::InitiateHandoffRequest r;
    return r.ParseFromString(w.request) ? r.item_id() : "";
  }
  if (w.kind == "custody.AcceptHandoff") {
    custody::AcceptHandoffResponse r;
    return r.ParseFromString(w.response) ? r.handoff().item_id() : "";
  }
  return "";
}

const custody::Handoff* FindHandoff(const custody::GetItemResponse& item,
                                    const std::string& id) {
  for (const custody::Handoff& h : item.handoffs()) {
    if (h.handoff_id() == id) return &h;
  }
  return nullptr;
}

// Whether the write's state is what was acknowledged. An upload has no
// read RPC: VerifyLog's current-state check vouches for it (true here).
bool StateAsAcked(const AckedWrite& w, const ItemView& view) {
  if (w.kind == "custody.RecordTemps") return true;
  if (!view.found) return false;
  if (w.kind == "custody.RegisterItem") {
    custody::RegisterItemRequest r;
    return r.ParseFromString(w.request) &&
           view.item.item().local_code() == r.local_code() &&
           view.item.item().type() == r.type();
  }
  const custody::Handoff* h = FindHandoff(view.item, w.entity_id);
  if (h == nullptr) return false;
  if (w.kind == "custody.AcceptHandoff") {
    custody::AcceptHandoffResponse r;
    return r.ParseFromString(w.response) &&
           h->status() == r.handoff().status() &&
           h->accepted_by_user_id() == r.handoff().accepted_by_user_id();
  }
  return true;  // initiated: it exists (accepted since, or not)
}

// Sends the write again, as its maker, with its request id and bytes; true
// when the answer is the acknowledged one.
template <typename Request, typename Response, typename Method>
bool ReplayOne(const Person& person, const AckedWrite& w, Method method,
               std::string& why) {
  Request request;
  Response first, again;
  if (!request.ParseFromString(w.request) ||
      !first.ParseFromString(w.response)) {
    why = "stored request or response does not parse";
    return false;
  }
  auto stub = custody::CustodyService::NewStub(person.channel);
  grpc::Status status = ((*stub).*method)(
      CallContext(person, w.request_id).get(), request, &again);
  if (!status.ok()) {
    why = std::string(grpcx::StatusCodeName(status.error_code())) + " " +
          status.error_message();
    return false;
  }
  if (!google::protobuf::util::MessageDifferencer::Equals(first, again)) {
    why = "answered differently: " + again.ShortDebugString();
    return false;
  }
  return true;
}

bool Replay(const Person& tech, const Person& tech2, const AckedWrite& w,
            std::string& why) {
  using Stub = custody::CustodyService::Stub;
  if (w.kind == "custody.RegisterItem") {
    return ReplayOne<custody::RegisterItemRequest,
                     custody::RegisterItemResponse>(tech, w,
                                                    &Stub::RegisterItem, why);
  }
  if (w.kind == "custody.RecordTemps") {
    return ReplayOne<custody::RecordTemperaturesRequest,
                     custody::RecordTemperaturesResponse>(
        tech, w, &Stub::RecordTemperatures, why);
  }
  if (w.kind == "custody.InitiateHandoff") {
    return ReplayOne<custody::InitiateHandoffRequest,
                     custody::InitiateHandoffResponse>(
        tech, w, &Stub::InitiateHandoff, why);
  }
  return ReplayOne<custody::AcceptHandoffRequest,
                   custody::AcceptHandoffResponse>(tech2, w,
                                                   &Stub::AcceptHandoff, why);
}

// The same action on the same entity twice under one request id.
bool WrittenTwice(
    const std::vector<std::tuple<std::string, std::string, std::string>>&
        records) {
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const auto& r : records) {
    if (!seen.insert(r).second) return true;
  }
  return false;
}

struct Percentiles {
  int64_t p50 = 0, max = 0;
};
Percentiles Of(std::vector<int64_t> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  return {v[(v.size() - 1) / 2], v.back()};
}

int Main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  absl::StatusOr<std::vector<AckedWrite>> writes = ReadAckedWrites(flags.acked);
  if (!writes.ok()) {
    std::cerr << "acked_check: " << writes.status() << "\n";
    return 1;
  }
  if (writes->empty()) {
    // A run in which nothing was acknowledged proves nothing.
    std::cerr << "acked_check: no acknowledged write in " << flags.acked
              << "\n";
    return 1;
  }
  for (const AckedWrite& w : *writes) {
    if (FindKind(w.kind) == nullptr) {
      std::cerr << "acked_check: unknown kind " << w.kind << "\n";
      return 1;
    }
  }
  std::optional<Person> tech =
      load::LogIn(flags.target, flags.pki, "lab-ws-01", flags.tech_user,
                  load::EnvOrEmpty("LOAD_TECH_PASSWORD"));
  std::optional<Person> tech2 =
      load::LogIn(flags.target, flags.pki, "lab-ws-01", flags.tech2_user,
                  load::EnvOrEmpty("LOAD_TECH2_PASSWORD"));
  std::optional<Person> qa =
      load::LogIn(flags.target, flags.pki, "qa-ws-01", flags.qa_user,
                  load::EnvOrEmpty("LOAD_QA_PASSWORD"));
  if (!tech || !tech2 || !qa) return 1;

  // 1. Every stored record integrated, so that the verification covers it.
  std::optional<LogIndex> log;
  for (int i = 0; i < 60; ++i) {
    log = ListLog(*qa);
    if (!log) return 1;
    if (log->unintegrated == 0) break;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  std::printf("log: %lld records, %lld not yet integrated by the sequencer\n",
              static_cast<long long>(log->records),
              static_cast<long long>(log->unintegrated));

  // 2. Each acknowledged write's record and state.
  std::map<std::string, ItemView> items;
  for (const AckedWrite& w : *writes) {
    const std::string item = ItemOf(w);
    if (!item.empty()) items[item];
  }
  std::vector<std::string> item_ids;
  for (const auto& [id, view] : items) item_ids.push_back(id);
  auto qa_custody = custody::CustodyService::NewStub(qa->channel);
  std::mutex items_mu;
  ForEach(item_ids.size(), flags.threads, [&](size_t i) {
    custody::GetItemRequest request;
    request.set_item_id(item_ids[i]);
    custody::GetItemResponse response;
    const bool ok =
        qa_custody->GetItem(CallContext(*qa).get(), request, &response).ok();
    std::lock_guard<std::mutex> lock(items_mu);
    items[item_ids[i]] = {ok, std::move(response)};
  });
  int64_t found = 0, no_record = 0, no_state = 0, twice = 0;
  for (const AckedWrite& w : *writes) {
    const KindInfo& kind = *FindKind(w.kind);
    auto records = log->by_request.find(w.request_id);
    bool has_record = false;
    if (records != log->by_request.end()) {
      for (const auto& [action, type, id] : records->second) {
        if (type == kind.entity_type && id == w.entity_id) has_record = true;
      }
      if (WrittenTwice(records->second)) {
        ++twice;
        std::printf("DUPLICATE: %s %s wrote one action on one entity twice\n",
                    w.kind.c_str(), w.request_id.c_str());
      }
    }
    const std::string item = ItemOf(w);
    const bool state = StateAsAcked(w, item.empty() ? ItemView{} : items[item]);
    if (!has_record) ++no_record;
    if (!state) ++no_state;
    if (has_record && state) {
      ++found;
    } else if (no_record + no_state <= 10) {
      std::printf("MISSING: %s %s %s (record %s, state %s)\n", w.kind.c_str(),
                  w.request_id.c_str(), w.entity_id.c_str(),
                  has_record ? "found" : "MISSING",
                  state ? "found" : "MISSING");
    }
  }

  // 3. The whole log verified, as `cellchain audit verify` does.
  auto audit_stub = audit::AuditService::NewStub(qa->channel);
  audit::VerifyLogRequest verify_request;
  auto verify_context = CallContext(*qa, "", std::chrono::minutes(10));
  auto reader = audit_stub->VerifyLog(verify_context.get(), verify_request);
  audit::VerifyLogResponse item;
  std::optional<audit::VerifyLogResponse::Summary> summary;
  int64_t findings = 0;
  while (reader->Read(&item)) {
    if (item.has_finding()) {
      if (findings++ < 10) {
        std::printf("FINDING: %s\n", item.finding().ShortDebugString().c_str());
      }
    } else if (item.has_summary()) {
      summary = item.summary();
    }
  }
  grpc::Status verified = reader->Finish();
  if (!verified.ok() || !summary) {
    std::printf("VerifyLog failed: %s %s\n",
                grpcx::StatusCodeName(verified.error_code()),
                verified.error_message().c_str());
    findings = std::max<int64_t>(findings, 1);
  } else {
    std::printf(
        "verify: %lld records, %lld entities, %lld checkpoints, tree size "
        "%lld, %lld findings\n",
        static_cast<long long>(summary->records()),
        static_cast<long long>(summary->entities()),
        static_cast<long long>(summary->checkpoints()),
        static_cast<long long>(summary->tree_size()),
        static_cast<long long>(summary->findings()));
    findings = std::max(findings, summary->findings());
  }

  // 4. Replays: the first answer again, nothing more in the log.
  const size_t replays =
      flags.replay == 0
          ? writes->size()
          : std::min(writes->size(), static_cast<size_t>(flags.replay));
  // Spread over the run (faults included), not only its first seconds.
  const size_t stride = replays == 0 ? 1 : writes->size() / replays;
  std::atomic<int64_t> replay_differs{0};
  std::mutex print_mu;
  ForEach(replays, flags.threads, [&](size_t i) {
    const AckedWrite& w = (*writes)[i * stride];
    std::string why;
    if (!Replay(*tech, *tech2, w, why)) {
      if (replay_differs++ < 10) {
        std::lock_guard<std::mutex> lock(print_mu);
        std::printf("REPLAY DIFFERS: %s %s: %s\n", w.kind.c_str(),
                    w.request_id.c_str(), why.c_str());
      }
    }
  });
  std::optional<LogIndex> after = ListLog(*qa);
  if (!after) return 1;
  const int64_t added = after->records - log->records;
  std::printf(
      "replayed %zu acknowledged writes with their request ids: %lld "
      "answered differently, log %lld -> %lld records\n",
      replays, static_cast<long long>(replay_differs.load()),
      static_cast<long long>(log->records),
      static_cast<long long>(after->records));
  if (added != 0) twice += std::max<int64_t>(added, 1);

  // 5. Recovery after each fault.
  std::string recovery;
  if (!flags.faults.empty()) {
    absl::StatusOr<std::vector<Fault>> faults = ReadFaults(flags.faults);
    if (!faults.ok()) {
      std::cerr << "acked_check: " << faults.status() << "\n";
      return 1;
    }
    const std::vector<std::optional<int64_t>> millis =
        RecoveryMillis(*faults, *writes);
    std::map<std::string, std::vector<int64_t>> by_what;
    std::map<std::string, int> tried, unrecovered;
    for (size_t i = 0; i < faults->size(); ++i) {
      const std::string& what = (*faults)[i].what;
      ++tried[what];
      if (millis[i]) {
        by_what[what].push_back(*millis[i]);
        by_what["all"].push_back(*millis[i]);
      } else {
        ++unrecovered[what];
      }
    }
    tried["all"] = static_cast<int>(faults->size());
    for (const auto& [what, n] : tried) {
      const Percentiles p = Of(by_what[what]);
      std::printf(
          "recovery after %s (%d faults, %d without a write after): first "
          "acknowledged write p50 %lld ms, max %lld ms\n",
          what.c_str(), n, unrecovered[what], static_cast<long long>(p.p50),
          static_cast<long long>(p.max));
      recovery += " recovery_" + what + "_p50_ms=" + std::to_string(p.p50) +
                  " recovery_" + what + "_max_ms=" + std::to_string(p.max) +
                  " faults_" + what + "=" + std::to_string(n);
    }
  }

  const int64_t missing = static_cast<int64_t>(writes->size()) - found;
  std::printf(
      "acknowledged %zu, found %lld, missing %lld (no record %lld, no state "
      "%lld), duplicates %lld, replays answered differently %lld, "
      "verification findings %lld\n",
      writes->size(), static_cast<long long>(found),
      static_cast<long long>(missing), static_cast<long long>(no_record),
      static_cast<long long>(no_state), static_cast<long long>(twice),
      static_cast<long long>(replay_differs.load()),
      static_cast<long long>(findings));
  std::printf(
      "SUMMARY acknowledged=%zu found=%lld missing=%lld duplicates=%lld "
      "replayed=%zu replay_differs=%lld findings=%lld records=%lld%s\n",
      writes->size(), static_cast<long long>(found),
      static_cast<long long>(missing), static_cast<long long>(twice), replays,
      static_cast<long long>(replay_differs.load()),
      static_cast<long long>(findings), static_cast<long long>(log->records),
      recovery.c_str());
  return missing == 0 && twice == 0 && replay_differs == 0 && findings == 0 ? 0
                                                                            : 1;
}

}  // namespace
}  // namespace cellchain::faults

int main(int argc, char** argv) { return cellchain::faults::Main(argc, argv); }
