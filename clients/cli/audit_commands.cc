// cellchain audit checkpoint|query|history|proof|verify|export|pin-key
#include "clients/cli/audit_commands.h"

#include <unistd.h>

#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/export_bundle.h"
#include "clients/cli/log_witness.h"
#include "clients/cli/progress_line.h"
#include "clients/cli/table.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/common/strings/printable.h"
#include "services/ledger/merkle.h"
#include "services/ledger/note.h"
#include "services/ledger/witness.h"

namespace cellchain::cli {
namespace {

namespace v1 = cellchain::audit::v1;

// A record's time to the microsecond, as the log keeps it.
std::string Time(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", fields::ToTime(t),
                          absl::UTCTimeZone());
}

// The filter from --entity-type … --before; false (and a message) if a time
// does not parse.
bool Filter(const AuditOptions& o, v1::RecordFilter* filter,
            std::string* error) {
  if (!o.entity_type.empty()) {
    filter->mutable_entity()->set_type(o.entity_type);
    filter->mutable_entity()->set_id(o.entity_id);
  }
  filter->set_din(o.din);
  filter->set_actor_user_id(o.actor);
  filter->set_action(o.action);
  if (!o.from.empty() && !ParseTime(o.from, filter->mutable_recorded_from())) {
    *error = "--from: not an RFC 3339 time (2026-11-22T10:00:00Z)";
    return false;
  }
  if (!o.before.empty() &&
      !ParseTime(o.before, filter->mutable_recorded_before())) {
    *error = "--before: not an RFC 3339 time (2026-11-22T10:00:00Z)";
    return false;
  }
  return true;
}

std::string Meaning(common::v1::SignatureMeaning meaning) {
  std::string name = common::v1::SignatureMeaning_Name(meaning);
  constexpr std::string_view kPrefix = "SIGNATURE_MEANING_";
  return name.starts_with(kPrefix) ? name.substr(kPrefix.size()) : name;
}

// The records as one table: RECORDED, INDEX, ACTION, ENTITY, then the actor
// with the signature and reason (the last column, never padded).
Table RecordTable() {
  return Table(
      {"RECORDED (UTC)", "INDEX", "ACTION", "ENTITY", "ACTOR / SIGNATURE"});
}

void AddRecord(const v1::RecordView& view, Table* table) {
  const v1::AuditRecord& r = view.record();
  std::string index =
      view.log_index() < 0 ? "-" : std::to_string(view.log_index());
  std::string actor = Printable(r.actor().printed_name()) + " (" +
                      Printable(r.actor().role()) + ")";
  if (r.has_signature()) {
    absl::StrAppend(&actor, "; signed ", Meaning(r.signature().meaning()),
                    " by ", Printable(r.signature().printed_name()), " at ",
                    Time(r.signature().signed_at()));
  }
  if (!r.reason().empty()) {
    absl::StrAppend(&actor, "; reason: ", Printable(r.reason()));
  }
  table->AddRow({Time(r.recorded_at()), index, Printable(r.action()),
                 Printable(r.entity().type() + "/" + r.entity().id()), actor});
}

// The records for tools (--format=json|csv): a column per field, as the
// server sent it, where people read one column of actor, signature and
// reason; the record id to ask `audit proof` about, times to the
// microsecond, log_index a number (none while not yet integrated).
void PrintRecordFields(
    const google::protobuf::RepeatedPtrField<v1::RecordView>& records,
    std::string_view format) {
  Table table({"RECORD ID", "RECORDED AT", "LOG INDEX", "SERVICE", "ACTION",
               "ENTITY TYPE", "ENTITY ID", "ACTOR", "ACTOR NAME", "ROLE",
               "WORKSTATION", "SIGNATURE MEANING", "SIGNED BY",
               "SIGNED BY NAME", "SIGNED AT", "REASON", "REQUEST ID"});
  table.Number(2);
  for (const v1::RecordView& view : records) {
    const v1::AuditRecord& r = view.record();
    const common::v1::SignatureManifestation& s = r.signature();
    bool is_signed = r.has_signature();
    table.AddRow(
        {r.record_id(), Time(r.recorded_at()),
         view.log_index() < 0 ? "" : std::to_string(view.log_index()),
         r.service(), r.action(), r.entity().type(), r.entity().id(),
         r.actor().user_id(), r.actor().printed_name(), r.actor().role(),
         r.actor().workstation(), is_signed ? Meaning(s.meaning()) : "",
         is_signed ? s.user_id() : "", is_signed ? s.printed_name() : "",
         is_signed ? Time(s.signed_at()) : "", r.reason(), r.request_id()});
  }
  PrintListing(table, format);
}

int CheckpointCommand(std::shared_ptr<grpc::Channel> channel,
                      const AuditOptions& o) {
  v1::GetCheckpointRequest request;
  request.set_tree_size(o.tree_size);
  v1::GetCheckpointResponse response;
  grpc::Status status = Call(channel, o, &v1::AuditService::Stub::GetCheckpoint,
                             request, &response);
  if (!status.ok()) return Report("audit checkpoint", status);
  std::cout << response.checkpoint().note()
            << "verifier key: " << response.verifier_key() << "\n";
  if (!o.save.empty()) {
    // Checked before it is saved: a file QA keeps must verify by itself.
    absl::StatusOr<ledger::Witnessed> saved =
        ledger::Advance(std::nullopt, response.verifier_key(),
                        response.checkpoint().note(), {});
    absl::Status written =
        saved.ok() ? WriteWitnessed(o.save, *saved) : saved.status();
    if (!written.ok()) {
      return Fail("audit checkpoint", std::string(written.message()), 1);
    }
    std::cout << "saved to " << o.save << "\n";
  }
  return 0;
}

int QueryCommand(std::shared_ptr<grpc::Channel> channel,
                 const AuditOptions& o) {
  v1::QueryRecordsRequest request;
  std::string error;
  if (!Filter(o, request.mutable_filter(), &error)) {
    return Fail("audit query", error, 2);
  }
  request.set_order(o.newest_first ? v1::ORDER_NEWEST_FIRST
                                   : v1::ORDER_OLDEST_FIRST);
  request.mutable_page()->set_page_size(static_cast<int32_t>(o.page_size));
  v1::QueryRecordsResponse response;
  grpc::Status status = Call(channel, o, &v1::AuditService::Stub::QueryRecords,
                             request, &response);
  if (!status.ok()) return Report("audit query", status);
  bool more = !response.page().next_page_token().empty();
  if (ForTools(o.format)) {
    PrintRecordFields(response.records(), o.format);
    // A tool reading stdout would take a page for every match.
    if (more) {
      std::cerr << ProgramName() << ": audit query: note: more records "
                << "match than the " << response.records_size()
                << " written (narrow the filter or raise --page-size)\n";
    }
    return 0;
  }
  Table table = RecordTable();
  for (const v1::RecordView& view : response.records()) {
    AddRecord(view, &table);
  }
  table.Print(std::cout);
  std::cout << response.records_size() << " record(s)";
  if (more) {
    std::cout << "; more match (narrow the filter or raise --page-size)";
  }
  std::cout << "\n";
  return 0;
}

int HistoryCommand(std::shared_ptr<grpc::Channel> channel,
                   const AuditOptions& o) {
  if (o.entity_type.empty() || o.entity_id.empty()) {
    return Fail("audit history", "--entity-type and --entity-id are required",
                2);
  }
  v1::GetEntityHistoryRequest request;
  request.mutable_entity()->set_type(o.entity_type);
  request.mutable_entity()->set_id(o.entity_id);
  v1::GetEntityHistoryResponse response;
  grpc::Status status =
      Call(channel, o, &v1::AuditService::Stub::GetEntityHistory, request,
           &response);
  if (!status.ok()) return Report("audit history", status);
  // For tools the records alone go to stdout; a broken chain is the exit
  // status, its findings and the verdict stderr's.
  bool tools = ForTools(o.format);
  std::ostream& notes = tools ? std::cerr : std::cout;
  if (tools) {
    PrintRecordFields(response.records(), o.format);
  } else {
    Table table = RecordTable();
    for (const v1::RecordView& view : response.records()) {
      AddRecord(view, &table);
    }
    table.Print(std::cout);
  }
  for (const v1::Finding& finding : response.findings()) {
    notes << "FINDING " << finding.check() << " record "
          << Printable(finding.record_id()) << ": "
          << Printable(finding.message()) << "\n";
  }
  if (!tools || !response.chain_intact()) {
    notes << response.records_size() << " record(s); chain "
          << (response.chain_intact() ? "intact" : "BROKEN") << "\n";
  }
  return response.chain_intact() ? 0 : 1;
}

int ProofCommand(std::shared_ptr<grpc::Channel> channel,
                 const AuditOptions& o) {
  if (o.record_id.empty()) {
    return Fail("audit proof", "--record-id is required", 2);
  }
  v1::GetInclusionProofRequest request;
  request.set_record_id(o.record_id);
  request.set_tree_size(o.tree_size);
  v1::GetInclusionProofResponse response;
  grpc::Status status =
      Call(channel, o, &v1::AuditService::Stub::GetInclusionProof, request,
           &response);
  if (!status.ok()) return Report("audit proof", status);
  absl::StatusOr<ledger::Hash> leaf =
      ledger::HashFromBytes(response.leaf_hash());
  absl::StatusOr<ledger::Hash> root =
      ledger::HashFromBytes(response.checkpoint().root_hash());
  std::vector<ledger::Hash> proof;
  for (const std::string& hash : response.proof()) {
    absl::StatusOr<ledger::Hash> h = ledger::HashFromBytes(hash);
    if (!h.ok()) return Fail("audit proof", "malformed proof hash", 1);
    proof.push_back(*h);
  }
  if (!leaf.ok() || !root.ok()) {
    return Fail("audit proof", "malformed leaf or root hash", 1);
  }
  absl::Status verified = ledger::VerifyInclusion(
      static_cast<uint64_t>(response.log_index()),
      static_cast<uint64_t>(response.tree_size()), *leaf, proof, *root);
  std::cout << "record " << o.record_id << " is leaf " << response.log_index()
            << " of " << response.tree_size() << "; proof of "
            << response.proof_size() << " hashes "
            << (verified.ok() ? "verifies" : "does NOT verify")
            << " against the checkpoint root "
            << crypto::HexEncode(response.checkpoint().root_hash()) << "\n";
  if (!verified.ok())
    return Fail("audit proof", std::string(verified.message()), 1);
  return 0;
}

int VerifyCommand(std::shared_ptr<grpc::Channel> channel,
                  const AuditOptions& o) {
  auto stub = v1::AuditService::NewStub(channel);
  // Verification of a large log takes longer than one call's default.
  auto context = NewCallContext(
      o, std::max(o.deadline, std::chrono::milliseconds(600000)));
  v1::VerifyLogRequest request;
  if (!o.since.empty()) {
    absl::StatusOr<ledger::Witnessed> since = ReadWitnessed(o.since);
    if (!since.ok()) {
      return Fail("audit verify",
                  absl::StrCat("--since: ", since.status().message()), 2);
    }
    request.add_known_checkpoint_notes(since->note);
  }
  auto reader = stub->VerifyLog(context.get(), request);
  // The bar is for a person watching; a script's stderr gets nothing.
  ProgressLine progress(std::cerr, isatty(STDERR_FILENO) == 1);
  v1::VerifyLogResponse item;
  int64_t findings = 0;
  bool summarized = false;
  while (reader->Read(&item)) {
    if (item.has_progress()) {
      const auto& p = item.progress();
      progress.Update(p.phase(), p.done(), p.total());
    } else if (item.has_finding()) {
      progress.Clear();
      const v1::Finding& f = item.finding();
      ++findings;
      std::cout << "FINDING " << f.check() << " record "
                << Printable(f.record_id()) << " (index " << f.log_index()
                << ", " << Printable(f.entity().type() + "/" + f.entity().id())
                << "): " << Printable(f.message()) << "\n";
    } else if (item.has_summary()) {
      progress.Clear();
      const auto& s = item.summary();
      summarized = true;
      std::cout << "verified " << s.records() << " records, " << s.checkpoints()
                << " checkpoints, " << s.entities() << " entities; tree size "
                << s.tree_size() << "; " << s.findings() << " finding(s)\n";
    }
  }
  // A refusal or a lost connection is not printed after the bar.
  progress.Clear();
  grpc::Status status = reader->Finish();
  if (!status.ok()) return Report("audit verify", status);
  if (!summarized) return Fail("audit verify", "no summary received", 1);
  return findings == 0 ? 0 : 1;
}

int ExportCommand(std::shared_ptr<grpc::Channel> channel,
                  const AuditOptions& o) {
  if (o.out.empty()) return Fail("audit export", "--out DIR is required", 2);
  v1::ExportBundleRequest request;
  std::string error;
  if (!Filter(o, request.mutable_filter(), &error)) {
    return Fail("audit export", error, 2);
  }
  request.set_include_current_state(o.include_state);
  auto stub = v1::AuditService::NewStub(channel);
  auto context = NewCallContext(
      o, std::max(o.deadline, std::chrono::milliseconds(600000)));
  auto reader = stub->ExportBundle(context.get(), request);
  absl::StatusOr<ExportSummary> summary = WriteBundle(*reader, o.out);
  grpc::Status status = reader->Finish();
  if (!status.ok()) return Report("audit export", status);
  if (!summary.ok()) {
    return Fail("audit export", std::string(summary.status().message()), 1);
  }
  std::cout << "wrote " << o.out << ": " << summary->records << " records, "
            << summary->checkpoints << " checkpoints, " << summary->keys
            << " keys, " << summary->proofs
            << " inclusion proofs\ncheck it offline: cellchain-verify bundle "
            << o.out << "\n";
  return 0;
}

// The checkpoint keys this user's memory pins, changed (decision 0021): a
// rotation's new key added once the log signs with it, the old one removed
// once the log signs with the new one alone.
int PinKeyCommand(std::shared_ptr<grpc::Channel> channel,
                  const AuditOptions& o) {
  const std::string path = WitnessFile(o);
  if (path.empty()) {
    return Fail("audit pin-key",
                "no session file to keep the pinned keys beside", 2);
  }
  if (o.add_key.empty() == o.remove_key.empty()) {
    return Fail("audit pin-key", "give one of --add=KEY and --remove=KEY", 2);
  }
  const bool adding = !o.add_key.empty();
  const std::string& key = adding ? o.add_key : o.remove_key;
  if (absl::StatusOr<ledger::NoteVerifier> parsed =
          ledger::NoteVerifier::FromKeyString(key);
      !parsed.ok()) {
    return Fail("audit pin-key",
                absl::StrCat(adding ? "--add: " : "--remove: ",
                             parsed.status().message()),
                2);
  }
  auto stub = v1::AuditService::NewStub(channel);
  absl::StatusOr<std::optional<ledger::Witnessed>> seen =
      WitnessLog(*stub, o, path, adding ? key : "");
  if (!seen.ok()) return Report("audit pin-key", seen.status());
  if (!seen->has_value()) {
    return Fail("audit pin-key",
                "the log has no checkpoint yet to check the key against", 1);
  }
  ledger::Witnessed pinned = **std::move(seen);
  if (!adding) {
    absl::StatusOr<ledger::Witnessed> kept = ledger::Unpin(pinned, key);
    absl::Status written =
        kept.ok() ? WriteWitnessed(path, *kept) : kept.status();
    if (!written.ok()) return Report("audit pin-key", written);
    pinned = *std::move(kept);
  }
  std::cout << "checkpoint keys pinned in " << path << ":\n";
  for (const std::string& pinned_key : pinned.verifier_keys) {
    std::cout << "  " << pinned_key << "\n";
  }
  return 0;
}

// `command`, after the log's latest checkpoint was checked against the one
// this user saw last (log_witness.h).
template <int (*command)(std::shared_ptr<grpc::Channel>, const AuditOptions&)>
int Witnessed(std::shared_ptr<grpc::Channel> channel, const AuditOptions& o) {
  if (const std::string path = WitnessFile(o); !path.empty()) {
    auto stub = v1::AuditService::NewStub(channel);
    absl::StatusOr<std::optional<ledger::Witnessed>> seen =
        WitnessLog(*stub, o, path);
    // Our own refusal (LOG_TRUNCATED, ...) or the server's (no session...).
    if (!seen.ok()) return Report("audit", seen.status());
  }
  return command(std::move(channel), o);
}

void DeclareAuditFlags(config::Loader& loader, AuditOptions& o) {
  loader.String("entity-type", &o.entity_type,
                "The entity type to filter by (item, batch, lot, ...).");
  loader.String("entity-id", &o.entity_id, "The entity id to filter by.");
  loader.String("din", &o.din, "Records of this ISBT 128 DIN.");
  loader.String("actor", &o.actor, "Records of this actor (user id).");
  loader.String("action", &o.action, "Records of this action.");
  loader.String("from", &o.from, "Records at or after this time (RFC 3339).");
  loader.String("before", &o.before, "Records before this time (RFC 3339).");
  loader.Bool("newest-first", &o.newest_first, "query: newest first.");
  loader.Int64("page-size", &o.page_size, 1, 1000, "query: records per page.");
  loader.String("record-id", &o.record_id, "proof: the record.");
  loader.Int64("tree-size", &o.tree_size, 0, INT64_MAX,
               "checkpoint, proof: a checkpointed size (0: latest).");
  loader.String("out", &o.out, "export: the bundle directory.");
  loader.String("save", &o.save,
                "checkpoint: also save it (with the log's key) to this "
                "file,\nto keep outside the database.");
  loader.String("since", &o.since,
                "verify: a checkpoint file saved before; the log must "
                "still\ncontain what it covers.");
  loader.String("add", &o.add_key,
                "pin-key: a checkpoint verifier key to pin (from QA).");
  loader.String("remove", &o.remove_key,
                "pin-key: a pinned checkpoint key to drop (a retired one).");
  loader.Bool("include-state", &o.include_state,
              "export: include each entity's current state.");
  DeclareFormatFlag(loader, &o.format, "query, history");
}

}  // namespace

const Group& AuditGroup() {
  static const auto* const group = new GroupOf<AuditOptions>({
      .name = "audit",
      .alias = "",
      .about = "The signed audit log, its checkpoints, proofs and bundles",
      .declare = DeclareAuditFlags,
      .commands =
          {
              {{"audit checkpoint", "tree-size save",
                "cellchain audit checkpoint [--tree-size=N] [--save=FILE]\n"
                "The latest signed checkpoint, or the one of size N. Any "
                "logged-in "
                "user.\n--save writes it with the log's key to FILE, for QA to "
                "keep "
                "where the\ndatabase's owner cannot rewrite it (audit verify "
                "--since, "
                "cellchain-verify\nbundle --since).\n"},
               Witnessed<CheckpointCommand>},
              {{"audit query",
                "entity-type entity-id din actor action from before "
                "newest-first "
                "page-size format",
                "cellchain audit query [--entity-type=T --entity-id=ID] "
                "[--din=DIN]\n"
                "                      [--actor=USER] [--action=A] "
                "[--from=TIME]\n"
                "                      [--before=TIME] [--newest-first] "
                "[--page-size=N]\n"
                "                      [--format=table|json|csv]\n"
                "Records matching the filter (times RFC 3339). QA or admin.\n"
                "json and csv give each field its own column: the record id, "
                "the times to\nthe microsecond, the actor's and the signer's "
                "ids and names.\n"},
               Witnessed<QueryCommand>},
              {{"audit history", "entity-type! entity-id! format",
                "cellchain audit history --entity-type=T --entity-id=ID\n"
                "                        [--format=table|json|csv]\n"
                "One entity's records, with its hash chain checked, each "
                "e-signature with\nits meaning, signer and time. QA or "
                "admin. A broken chain exits 1 (with\njson or csv its "
                "findings go to stderr).\n"},
               Witnessed<HistoryCommand>},
              {{"audit proof", "record-id! tree-size",
                "cellchain audit proof --record-id=ID [--tree-size=N]\n"
                "The record's inclusion proof, checked here against the "
                "signed\n"
                "checkpoint. Any logged-in user.\n"},
               Witnessed<ProofCommand>},
              {{"audit verify", "since",
                "cellchain audit verify [--since=FILE]\n"
                "Verifies the whole log on the server; exit 1 on any finding. "
                "QA.\n"
                "On a terminal, stderr shows how far each phase is, a bar "
                "that rewrites\nitself; elsewhere nothing is drawn.\n"
                "--since: a checkpoint saved before (audit checkpoint --save) "
                "that the\n"
                "log must still rebuild: a log truncated or rewritten since is "
                "a "
                "finding.\n"},
               Witnessed<VerifyCommand>},
              {{"audit export",
                "out entity-type entity-id din actor action from before "
                "include-state",
                "cellchain audit export --out=DIR [query filters] "
                "[--include-state]\n"
                "Writes a bundle of the query's records, keys, checkpoints and "
                "proofs;\n"
                "check it offline with cellchain-verify bundle DIR. QA.\n"},
               Witnessed<ExportCommand>},
              {{"audit pin-key", "add remove",
                "cellchain audit pin-key --add=KEY | --remove=KEY\n"
                "Changes the checkpoint keys this user's CLI trusts (kept "
                "with the latest\ncheckpoint seen, beside the session file) "
                "when the log's key is rotated.\n--add pins a key given by QA "
                "once the log's latest checkpoint is signed\nby it; --remove "
                "drops a retired key once another pinned key signs.\nThe log "
                "is checked against the checkpoint seen before, as by every "
                "audit\ncommand. Any logged-in user.\n"},
               PinKeyCommand},
          },
      .field_aliases =
          {
              {"recorded_from", "from"},
              {"recorded_before", "before"},
              {"actor_user_id", "actor"},
          },
      .named_flags = nullptr,
      .help_note =
          "Every audit command first checks the log's latest checkpoint "
          "against the\none this user last saw (kept in <session "
          "file>.checkpoint): a shorter or\nrewritten log is refused "
          "(LOG_TRUNCATED, LOG_FORKED).\n",
  });
  return *group;
}

}  // namespace cellchain::cli
