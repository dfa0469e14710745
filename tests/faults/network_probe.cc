// network_probe: the network faults of issue 13 against a running stack, as
// the technician at lab-ws-01 registering one reagent lot (RegisterItem):
//
//   --mode=slow --cellchaind-pid=PID: cellchaind is stopped (SIGSTOP) for
//     --stop-ms (2000) while the call is made with a --deadline-ms (500)
//     deadline. The client must get DEADLINE_EXCEEDED. After SIGCONT the
//     server may still carry the request out (it reads it late, with the
//     time left that the request says); so the client retries with the same
//     request id, as a client that saw a deadline must: OK, and then the
//     lot exists once (FindItemByScan by its code gives the retry's item)
//     with exactly one register record under that request id (QueryRecords
//     of the item, as QA): the write is whole and single, never half done
//     nor doubled.
//   --mode=down --down-target=HOST:PORT (a peer that does not listen): the
//     client must get UNAVAILABLE, and the live stack must know no lot of
//     that code: nothing was written.
//
// Flags: --target=HOST:PORT (the live stack) --pki=DIR, the users as
// load_bench's; passwords from LOAD_TECH_PASSWORD, LOAD_QA_PASSWORD.
// Prints what it saw and a PROBE line; exit 0 when every expectation held,
// 1 when one did not (or on a setup failure), 2 on bad flags.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "services/common/crypto/random.h"
#include "services/common/grpc/rpc_log_interceptor.h"
#include "services/ledger/bench/tool_flags.h"
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
  std::string mode;
  std::string down_target;
  std::string tech_user = "tech.tina";
  std::string qa_user = "qa.quinn";
  int cellchaind_pid = 0;
  int stop_ms = 2000;
  int deadline_ms = 500;
};

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  bench::ToolFlags tool(
      "network_probe",
      "The network faults against a running stack (docs/reliability.md).\n"
      "Passwords come from LOAD_TECH_PASSWORD and LOAD_QA_PASSWORD.");
  config::Loader& flags = tool.loader();
  flags.String("target", &f.target, "The live stack, HOST:PORT.").Required();
  flags.String("pki", &f.pki, "The stack's PKI, as load_bench's.").Required();
  flags
      .Enum("mode", &f.mode, {"slow", "down"},
            "slow: cellchaind stopped while a call is made (with\n"
            "--cellchaind-pid); down: a peer that does not listen (with\n"
            "--down-target).")
      .Required();
  flags.String("down-target", &f.down_target,
               "A HOST:PORT nothing listens on, for --mode=down.");
  flags.String("tech-user", &f.tech_user, "The technician.");
  flags.String("qa-user", &f.qa_user, "QA.");
  tool.Int("cellchaind-pid", &f.cellchaind_pid, 0, bench::kAnyInt,
           "cellchaind's pid, for --mode=slow.");
  tool.Int("stop-ms", &f.stop_ms, 0, bench::kAnyInt,
           "How long cellchaind is stopped (--mode=slow).");
  tool.Int("deadline-ms", &f.deadline_ms, 0, bench::kAnyInt,
           "The call's deadline (--mode=slow).");
  tool.LoadOrExit(argc, argv, [&]() -> std::vector<std::string> {
    if (f.mode == "slow" && f.cellchaind_pid == 0) {
      return {tool.Problem("mode", "slow needs --cellchaind-pid")};
    }
    if (f.mode == "down" && f.down_target.empty()) {
      return {tool.Problem("mode", "down needs --down-target")};
    }
    return {};
  });
  return f;
}

custody::RegisterItemRequest NewLot(const std::string& request_id) {
  custody::RegisterItemRequest request;
  request.mutable_context()->set_request_id(request_id);
  request.set_type(custody::ITEM_TYPE_REAGENT_LOT);
  request.set_local_code("PROBE-" + crypto::RandomId("r").substr(2));
  request.set_description("network probe reagent lot");
  return request;
}

std::string CodeName(const grpc::Status& status) {
  return grpcx::StatusCodeName(status.error_code());
}

// The item registered under `code`, or nullopt when there is none (NOT_FOUND);
// `error` set on any other failure.
std::optional<custody::Item> FindByCode(const Person& tech,
                                        const std::string& code,
                                        std::string& error) {
  custody::FindItemByScanRequest request;
  request.set_scan(code);
  custody::FindItemByScanResponse response;
  grpc::Status status =
      custody::CustodyService::NewStub(tech.channel)
          ->FindItemByScan(CallContext(tech).get(), request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
  if (!status.ok()) error = CodeName(status) + " " + status.error_message();
  return response.item();
}

// How many records of the item carry `action` under `request_id`.
int RecordsOf(const Person& qa, const std::string& item_id,
              const std::string& action, const std::string& request_id) {
  audit::QueryRecordsRequest request;
  request.mutable_filter()->mutable_entity()->set_type("item");
  request.mutable_filter()->mutable_entity()->set_id(item_id);
  audit::QueryRecordsResponse response;
  grpc::Status status =
      audit::AuditService::NewStub(qa.channel)
          ->QueryRecords(CallContext(qa).get(), request, &response);
  if (!status.ok()) return -1;
  int n = 0;
  for (const audit::RecordView& view : response.records()) {
    if (view.record().action() == action &&
        view.record().request_id() == request_id) {
      ++n;
    }
  }
  return n;
}

int Slow(const Flags& flags, const Person& tech, const Person& qa) {
  const std::string request_id = crypto::RandomId("probe");
  const custody::RegisterItemRequest request = NewLot(request_id);
  auto stub = custody::CustodyService::NewStub(tech.channel);
  // The connection is made before the server stops: the fault is a slow
  // peer, not an absent one.
  custody::GetItemRequest warm;
  warm.set_item_id("itm_none");
  custody::GetItemResponse ignored;
  (void)stub->GetItem(CallContext(tech).get(), warm, &ignored);

  if (kill(flags.cellchaind_pid, SIGSTOP) != 0) {
    std::perror("network_probe: SIGSTOP");
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  custody::RegisterItemResponse first;
  grpc::Status status = stub->RegisterItem(
      CallContext(tech, request_id,
                  std::chrono::milliseconds(flags.deadline_ms))
          .get(),
      request, &first);
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
  std::this_thread::sleep_until(start +
                                std::chrono::milliseconds(flags.stop_ms));
  kill(flags.cellchaind_pid, SIGCONT);
  std::printf(
      "slow peer: cellchaind stopped %d ms, call with a %d ms "
      "deadline answered %s after %lld ms\n",
      flags.stop_ms, flags.deadline_ms, CodeName(status).c_str(),
      static_cast<long long>(waited));
  bool held = status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;

  // What the late server did with it, before anyone retries.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::string error;
  std::optional<custody::Item> before =
      FindByCode(tech, request.local_code(), error);
  std::printf("before the retry the lot %s\n",
              !error.empty() ? ("cannot be looked up: " + error).c_str()
              : before       ? "exists: the server carried the request out "
                               "after its deadline"
                             : "does not exist");

  custody::RegisterItemResponse retried;
  status = stub->RegisterItem(CallContext(tech, request_id).get(), request,
                              &retried);
  std::printf("retry with the same request id: %s\n", CodeName(status).c_str());
  held = held && status.ok();
  std::optional<custody::Item> after =
      FindByCode(tech, request.local_code(), error);
  const bool one_item = error.empty() && after &&
                        after->item_id() == retried.item().item_id() &&
                        (!before || before->item_id() == after->item_id());
  const int records = status.ok() ? RecordsOf(qa, retried.item().item_id(),
                                              "item.register", request_id)
                                  : -1;
  std::printf(
      "after the retry: lot %s, %d register record(s) under the "
      "request id\n",
      one_item ? "exists once, the retry's" : "NOT as answered", records);
  held = held && one_item && records == 1;
  std::printf(
      "PROBE slow_peer=%s code=DEADLINE_EXCEEDED written_late=%s "
      "records=%d\n",
      held ? "held" : "FAILED", before ? "yes" : "no", records);
  return held ? 0 : 1;
}

int Down(const Flags& flags, const Person& tech) {
  // The same person and session, through a peer that is not there.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      load::WorkstationChannel(flags.down_target, flags.pki, "lab-ws-01");
  if (!channel.ok()) {
    std::cerr << "network_probe: " << channel.status() << "\n";
    return 1;
  }
  std::optional<Person> absent = tech;
  absent->channel = *std::move(channel);
  const custody::RegisterItemRequest request =
      NewLot(crypto::RandomId("probe"));
  custody::RegisterItemResponse response;
  grpc::Status status =
      custody::CustodyService::NewStub(absent->channel)
          ->RegisterItem(
              CallContext(*absent, request.context().request_id()).get(),
              request, &response);
  std::string error;
  std::optional<custody::Item> found =
      FindByCode(tech, request.local_code(), error);
  std::printf("peer down (%s): %s %s; the live stack has %s\n",
              flags.down_target.c_str(), CodeName(status).c_str(),
              status.error_message().c_str(),
              !error.empty() ? ("no answer: " + error).c_str()
              : found        ? "the lot: WRITTEN"
                             : "no such lot");
  const bool held = status.error_code() == grpc::StatusCode::UNAVAILABLE &&
                    error.empty() && !found;
  std::printf("PROBE peer_down=%s code=%s\n", held ? "held" : "FAILED",
              CodeName(status).c_str());
  return held ? 0 : 1;
}

int Main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  std::optional<Person> tech =
      load::LogIn(flags.target, flags.pki, "lab-ws-01", flags.tech_user,
                  load::EnvOrEmpty("LOAD_TECH_PASSWORD"));
  std::optional<Person> qa =
      load::LogIn(flags.target, flags.pki, "qa-ws-01", flags.qa_user,
                  load::EnvOrEmpty("LOAD_QA_PASSWORD"));
  if (!tech || !qa) return 1;
  return flags.mode == "slow" ? Slow(flags, *tech, *qa) : Down(flags, *tech);
}

}  // namespace
}  // namespace cellchain::faults

int main(int argc, char** argv) { return cellchain::faults::Main(argc, argv); }
