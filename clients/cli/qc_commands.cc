// cellchain qc lot-open|lot-show|lot-list, dispose, certificate and the
// group's definition (the specification commands are in
// qc_spec_commands.cc, the sample, result and investigation commands in
// qc_result_commands.cc).
#include "clients/cli/qc_commands.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/cli.h"
#include "clients/cli/cosigner.h"
#include "clients/cli/qc_commands_internal.h"
#include "clients/cli/table.h"
#include "services/common/crypto/sha256.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli {
namespace qc_cli {

std::string Cmd(std::string_view verb) {
  return absl::StrCat("qc ", std::string(verb));
}

std::string Word(const std::string& name, std::string_view prefix) {
  std::string word =
      name.starts_with(prefix) ? name.substr(prefix.size()) : name;
  return word.empty() || word == "UNSPECIFIED" ? "-" : word;
}

int LotIdOf(const std::shared_ptr<grpc::Channel>& channel, const QcOptions& o,
            const std::string& command, std::string* lot_id) {
  if (!o.lot_id.empty()) {
    *lot_id = o.lot_id;
    return 0;
  }
  if (o.batch_id.empty()) {
    return Fail(command,
                "which lot? give --lot-id=QCL, or --batch-id=BATCH (bat_... "
                "or the batch's DIN)",
                2);
  }
  v1::GetLotRequest request;
  request.set_batch_id(o.batch_id);
  v1::GetLotResponse response;
  grpc::Status status =
      Call(channel, o, &v1::QcService::Stub::GetLot, request, &response);
  if (!status.ok()) return Report(command, status);
  *lot_id = response.lot().lot_id();
  return 0;
}

void PrintLookback(const v1::Lookback& lookback) {
  std::cout << "lookback " << lookback.lookback_id() << ": "
            << Printable(lookback.reason()) << "\n  recall "
            << (lookback.recall_id().empty() ? "-" : lookback.recall_id())
            << " holds " << lookback.held_item_ids_size()
            << " item(s) derived from product lot "
            << lookback.product_item_id() << "\n";
  if (lookback.patients().empty()) {
    std::cout << "  no patient received it\n";
    return;
  }
  Table table({"PATIENT", "ITEM", "STATE"}, "  ");
  for (const v1::PatientExposure& p : lookback.patients()) {
    table.AddRow(
        {Printable(p.patient_id()), p.item_id(), Printable(p.state())});
  }
  std::cout << "  " << lookback.patients_size()
            << " patient(s) already received it:\n";
  table.Print(std::cout);
}

std::string ValueText(const v1::Result& result) {
  std::string text = Printable(result.value());
  if (!result.unit().empty()) absl::StrAppend(&text, " ", result.unit());
  return text;
}

}  // namespace qc_cli

namespace {

namespace v1 = cellchain::qc::v1;
using qc_cli::Cmd;
using qc_cli::LotIdOf;
using qc_cli::PrintLookback;
using qc_cli::ValueText;
using qc_cli::Word;

// The states QA disposes a lot to: every LotState but TESTING, where a lot
// starts and which no disposition sets.
std::string Dispositions() {
  return EnumChoices(v1::LotState_descriptor(), "LOT_STATE_",
                     {v1::LOT_STATE_TESTING});
}

std::string State(v1::LotState s) {
  return Word(v1::LotState_Name(s), "LOT_STATE_");
}

void PrintLotLine(const v1::Lot& lot) {
  std::cout << "lot " << lot.lot_id() << " (batch " << lot.batch_id()
            << ", DIN " << Printable(lot.din()) << ") is " << State(lot.state())
            << "; specification " << lot.specification_id() << " version "
            << lot.specification_version() << "; lot version " << lot.version()
            << "\n";
}

int LotOpen(std::shared_ptr<grpc::Channel> channel, const QcOptions& o) {
  const std::string cmd = Cmd("lot-open");
  v1::OpenLotRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_batch_id(o.batch_id);
  request.set_specification_name(o.spec_name);
  v1::OpenLotResponse response;
  grpc::Status status =
      Call(channel, o, &v1::QcService::Stub::OpenLot, request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Lot& lot = response.lot();
  std::cout << "lot " << lot.lot_id() << " opened for batch " << lot.batch_id()
            << " (DIN " << Printable(lot.din()) << "), product lot "
            << lot.product_item_id() << "\n";
  PrintLotLine(lot);
  std::cout << "next: cellchain qc sample-draw --lot-id=" << lot.lot_id()
            << " --tests=CODE,...\n";
  return 0;
}

int LotShow(std::shared_ptr<grpc::Channel> channel, const QcOptions& o) {
  const std::string cmd = Cmd("lot-show");
  v1::GetLotRequest request;
  if (!o.lot_id.empty()) {
    request.set_lot_id(o.lot_id);
  } else if (!o.batch_id.empty()) {
    request.set_batch_id(o.batch_id);
  } else {
    return Fail(cmd,
                "which lot? give --lot-id=QCL, or --batch-id=BATCH (bat_... "
                "or the batch's DIN)",
                2);
  }
  v1::GetLotResponse response;
  grpc::Status status =
      Call(channel, o, &v1::QcService::Stub::GetLot, request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Lot& lot = response.lot();
  const v1::Specification& spec = response.specification();
  auto line = [](const char* label, const std::string& value) {
    std::cout << "  " << PadLabel(label, 15) << value << "\n";
  };
  std::cout << "lot " << lot.lot_id() << "\n";
  line("batch", lot.batch_id());
  line("DIN", Printable(lot.din()));
  line("product lot", lot.product_item_id());
  line("specification", absl::StrCat(Printable(spec.name()), " version ",
                                     lot.specification_version(), " (",
                                     lot.specification_id(), ")"));
  line("state", State(lot.state()));
  line("version", std::to_string(lot.version()));
  line("opened", absl::StrCat(DisplayTime(lot.opened_at()), " by ",
                              Printable(lot.opened_by_user_id())));
  if (!lot.disposed_by_user_id().empty()) {
    std::string disposed = absl::StrCat(DisplayTime(lot.disposed_at()), " by ",
                                        Printable(lot.disposed_by_user_id()));
    if (!lot.disposition_reason().empty()) {
      absl::StrAppend(&disposed, ": ", Printable(lot.disposition_reason()));
    }
    line("disposed", disposed);
  }
  if (!lot.pending_test_codes().empty()) {
    std::string pending = absl::StrJoin(lot.pending_test_codes(), ", ");
    if (lot.has_conditions_closed_at()) {
      absl::StrAppend(&pending, " (all in since ",
                      DisplayTime(lot.conditions_closed_at()), ")");
    }
    line("pending tests", pending);
  }
  if (!lot.rejected_by_result_id().empty()) {
    line("rejected by", "result " + lot.rejected_by_result_id());
  }

  // Where each test stands, and the results it stands on.
  std::map<std::string, const v1::Result*> results;
  for (const v1::Result& r : response.results()) results[r.result_id()] = &r;
  std::map<std::string, std::string> criteria;
  for (const v1::SpecTest& t : spec.tests()) criteria[t.code()] = t.criterion();
  std::cout << "tests:\n";
  Table tests({"TEST", "CRITERION", "STATUS", "VALID RESULTS"}, "  ");
  for (const v1::TestEvaluation& t : response.tests()) {
    std::vector<std::string> valid;
    for (const std::string& id : t.result_ids()) {
      auto it = results.find(id);
      valid.push_back(it == results.end() ? id
                                          : absl::StrCat(ValueText(*it->second),
                                                         " (", id, ")"));
    }
    tests.AddRow({Printable(t.code()), Printable(criteria[t.code()]),
                  Word(v1::TestStatus_Name(t.status()), "TEST_STATUS_"),
                  valid.empty() ? "-" : absl::StrJoin(valid, "; ")});
  }
  tests.Print(std::cout);
  if (!response.samples().empty()) {
    std::cout << "samples:\n";
    Table samples(
        {"SAMPLE", "ITEM", "TESTS", "DRAWN (UTC)", "BY", "DESCRIPTION"}, "  ");
    for (const v1::Sample& s : response.samples()) {
      samples.AddRow(
          {s.sample_id(), s.item_id(), absl::StrJoin(s.test_codes(), ","),
           DisplayTime(s.drawn_at()), Printable(s.drawn_by_user_id()),
           Printable(s.description())});
    }
    samples.Print(std::cout);
  }
  if (!response.results().empty()) {
    std::cout << "results:\n";
    Table table({"RESULT", "TEST", "VALUE", "CRITERION", "CONFORMANCE",
                 "ENTERED BY", "REVIEWED BY", "NOTES"},
                "  ");
    for (const v1::Result& r : response.results()) {
      std::vector<std::string> notes;
      if (!r.retest_of_result_id().empty()) {
        notes.push_back(
            absl::StrCat("retest of ", r.retest_of_result_id(), " (",
                         Printable(r.retest_reason()), "; approved by ",
                         Printable(r.retest_approved_by_user_id()), ")"));
      }
      if (r.invalidated()) {
        notes.push_back(absl::StrCat("INVALIDATED by ",
                                     Printable(r.invalidated_by_user_id()),
                                     ": ", Printable(r.invalidation_reason())));
      }
      if (!r.investigation_id().empty()) {
        notes.push_back("investigation " + r.investigation_id());
      }
      table.AddRow({r.result_id(), Printable(r.test_code()), ValueText(r),
                    Printable(r.criterion()),
                    Word(v1::Conformance_Name(r.conformance()), "CONFORMANCE_"),
                    Printable(r.performed_by_user_id()),
                    r.reviewed_by_user_id().empty()
                        ? "-"
                        : Printable(r.reviewed_by_user_id()),
                    notes.empty() ? "" : absl::StrJoin(notes, "; ")});
    }
    table.Print(std::cout);
  }
  if (!response.investigations().empty()) {
    std::cout << "investigations:\n";
    Table table(
        {"INVESTIGATION", "TEST", "RESULT", "STATUS", "OUTCOME", "CONCLUSION"},
        "  ");
    for (const v1::Investigation& i : response.investigations()) {
      table.AddRow({i.investigation_id(), Printable(i.test_code()),
                    i.result_id(),
                    Word(v1::InvestigationStatus_Name(i.status()),
                         "INVESTIGATION_STATUS_"),
                    Word(v1::InvestigationOutcome_Name(i.outcome()),
                         "INVESTIGATION_OUTCOME_"),
                    Printable(i.conclusion())});
    }
    table.Print(std::cout);
  }
  for (const v1::Lookback& lookback : response.lookbacks()) {
    PrintLookback(lookback);
  }
  if (lot.state() == v1::LOT_STATE_TESTING ||
      lot.state() == v1::LOT_STATE_ON_HOLD) {
    if (response.release_blockers().empty()) {
      std::cout << "release: nothing blocks it\n";
    } else {
      std::cout << "a release would be refused:\n";
      for (const std::string& blocker : response.release_blockers()) {
        std::cout << "  " << Printable(blocker) << "\n";
      }
    }
  }
  return 0;
}

int LotList(std::shared_ptr<grpc::Channel> channel, const QcOptions& o) {
  const std::string cmd = Cmd("lot-list");
  v1::ListLotsRequest request;
  if (!o.state.empty()) {
    v1::LotState state;
    if (!ParseEnumFlag(cmd, "state", o.state, "LOT_STATE_", &state)) return 2;
    request.set_state(state);
  }
  v1::ListLotsResponse response;
  grpc::Status status =
      Call(channel, o, &v1::QcService::Stub::ListLots, request, &response);
  if (!status.ok()) return Report(cmd, status);
  if (ForTools(o.format)) {
    // The specification's id and version apart, as tools join on them.
    Table table({"LOT", "BATCH", "DIN", "STATE", "SPECIFICATION ID",
                 "SPECIFICATION VERSION", "OPENED AT", "DISPOSED AT",
                 "DISPOSED BY"});
    table.Number(5);
    for (const v1::Lot& lot : response.lots()) {
      table.AddRow({lot.lot_id(), lot.batch_id(), lot.din(), State(lot.state()),
                    lot.specification_id(),
                    std::to_string(lot.specification_version()),
                    CellTime(lot.opened_at()), CellTime(lot.disposed_at()),
                    lot.disposed_by_user_id()});
    }
    PrintListing(table, o.format);
    return 0;
  }
  Table table({"LOT", "BATCH", "DIN", "STATE", "SPECIFICATION", "OPENED (UTC)",
               "DISPOSED (UTC)"});
  for (const v1::Lot& lot : response.lots()) {
    table.AddRow(
        {lot.lot_id(), lot.batch_id(), Printable(lot.din()), State(lot.state()),
         absl::StrCat(lot.specification_id(), " v",
                      lot.specification_version()),
         DisplayTime(lot.opened_at()), DisplayTime(lot.disposed_at())});
  }
  table.Print(std::cout);
  std::cout << response.lots_size() << " lot(s)\n";
  return 0;
}

int Dispose(std::shared_ptr<grpc::Channel> channel, const QcOptions& o) {
  const std::string cmd = Cmd("dispose");
  v1::LotState to;
  if (!ParseEnumName(o.disposition, "LOT_STATE_", &v1::LotState_Parse, &to) ||
      to == v1::LOT_STATE_TESTING) {
    return Fail(cmd, "--disposition: " + Dispositions(), 2);
  }
  std::string lot_id;
  if (int code = LotIdOf(channel, o, cmd, &lot_id); code != 0) return code;
  // The meaning each disposition is signed with (qc.proto DisposeLot).
  common::v1::SignatureMeaning meaning = common::v1::SIGNATURE_MEANING_APPROVED;
  if (to == v1::LOT_STATE_RELEASED ||
      to == v1::LOT_STATE_CONDITIONALLY_RELEASED) {
    meaning = common::v1::SIGNATURE_MEANING_RELEASED;
  } else if (to == v1::LOT_STATE_REJECTED) {
    meaning = common::v1::SIGNATURE_MEANING_REJECTED;
  }
  v1::DisposeLotRequest request;
  request.set_lot_id(lot_id);
  request.set_disposition(to);
  request.set_expected_version(o.expected_version);
  if (!ReadSignature(o, cmd, absl::StrCat("lot ", lot_id, " ", State(to)),
                     meaning, request.mutable_signature())) {
    return 2;
  }
  *request.mutable_context() = NewRequestContext(o);
  v1::DisposeLotResponse response;
  grpc::Status status =
      Call(channel, o, &v1::QcService::Stub::DisposeLot, request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Lot& lot = response.lot();
  std::cout << "lot " << lot.lot_id() << " (batch " << lot.batch_id()
            << ", DIN " << Printable(lot.din()) << ") is " << State(lot.state())
            << ": signed "
            << Word(common::v1::SignatureMeaning_Name(meaning),
                    "SIGNATURE_MEANING_")
            << " by " << Printable(lot.disposed_by_user_id()) << " at "
            << DisplayTime(lot.disposed_at());
  if (!lot.disposition_reason().empty()) {
    std::cout << ": " << Printable(lot.disposition_reason());
  }
  std::cout << "\n";
  if (lot.state() == v1::LOT_STATE_CONDITIONALLY_RELEASED) {
    std::cout << "pending at release: "
              << absl::StrJoin(lot.pending_test_codes(), ", ")
              << " (an OOS result of one rejects the lot at once)\n";
  }
  if (response.has_lookback()) PrintLookback(response.lookback());
  return 0;
}

int Certificate(std::shared_ptr<grpc::Channel> channel, const QcOptions& o) {
  const std::string cmd = Cmd("certificate");
  std::string lot_id;
  if (int code = LotIdOf(channel, o, cmd, &lot_id); code != 0) return code;
  v1::GetCertificateRequest request;
  request.set_lot_id(lot_id);
  v1::GetCertificateResponse response;
  grpc::Status status = Call(channel, o, &v1::QcService::Stub::GetCertificate,
                             request, &response);
  if (!status.ok()) return Report(cmd, status);
  // What is saved must be what the server rendered and hashed.
  std::string sha256 = crypto::Sha256Hex(response.pdf());
  if (sha256 != response.sha256_hex()) {
    return Fail(cmd,
                absl::StrCat("the PDF received hashes to ", sha256,
                             ", not the server's ", response.sha256_hex(),
                             ": nothing written"),
                1);
  }
  const v1::CertificateContent& c = response.content();
  auto line = [](const char* label, const std::string& value) {
    std::cout << "  " << PadLabel(label, 15) << value << "\n";
  };
  std::cout << "certificate of analysis " << Printable(response.file_name())
            << "\n";
  line("product", Printable(c.product()));
  line("DIN", Printable(c.din()));
  line("lot", absl::StrCat(c.lot_id(), " (batch ", c.batch_id(),
                           ", product lot ", c.product_item_id(), ")"));
  line("specification", absl::StrCat(Printable(c.specification_name()),
                                     " version ", c.specification_version(),
                                     " (", c.specification_id(), ")"));
  line("disposition", State(c.disposition()));
  if (!c.pending_test_codes().empty()) {
    line("pending", absl::StrJoin(c.pending_test_codes(), ", "));
  }
  line("issued", DisplayTime(c.issued_at()));
  line("sha256", response.sha256_hex());
  Table lines({"TEST", "NAME", "METHOD", "CRITERION", "RESULT", "VERDICT"},
              "  ");
  for (const v1::CertificateLine& l : c.lines()) {
    std::string result = Printable(l.result());
    if (!l.unit().empty()) absl::StrAppend(&result, " ", Printable(l.unit()));
    lines.AddRow({Printable(l.test_code()), Printable(l.test_name()),
                  Printable(l.method()), Printable(l.criterion()), result,
                  Printable(l.verdict())});
  }
  lines.Print(std::cout);
  std::cout << "signatures:\n";
  Table signatures({"SIGNED", "BY", "MEANING", "AT (UTC)", "RECORD"}, "  ");
  for (const v1::CertificateSignature& s : c.signatures()) {
    signatures.AddRow({Printable(s.what()),
                       absl::StrCat(Printable(s.printed_name()), " (",
                                    Printable(s.user_id()), ")"),
                       Word(common::v1::SignatureMeaning_Name(s.meaning()),
                            "SIGNATURE_MEANING_"),
                       DisplayTime(s.signed_at()), s.record_id()});
  }
  signatures.Print(std::cout);
  if (o.out.empty()) return 0;
  std::filesystem::path path = o.out;
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    // The server's name, never a path of its choosing.
    path /= std::filesystem::path(response.file_name()).filename();
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(response.pdf().data(),
             static_cast<std::streamsize>(response.pdf().size()));
  file.close();
  if (!file) return Fail(cmd, "--out: cannot write " + path.string(), 1);
  std::cout << "wrote " << path.string() << " (" << response.pdf().size()
            << " bytes)\n";
  return 0;
}

void DeclareQcFlags(config::Loader& loader, QcOptions& o) {
  loader.String("spec-id", &o.spec_id,
                "spec-approve, spec-show: the specification version, spc_...");
  loader.String("spec-name", &o.spec_name,
                "spec-create, spec-show, spec-list, lot-open: the "
                "specification's\nname (default: the server's, "
                "RH-UCMSC-RELEASE).");
  loader.String("product", &o.product, "spec-create: the product it is for.");
  loader.Bool("use-default", &o.use_default,
              "spec-create: the default specification's tests, with the "
              "server's\nendotoxin limit and viable cell range.");
  loader.String("tests-file", &o.tests_file,
                "spec-create: a JSON file {\"tests\": [...]}, each test as "
                "qc.proto's\nSpecTest (code, name, method, kind, unit, "
                "limits, allowed_values,\npass_values, required, "
                "may_be_pending).");
  loader.String("lot-id", &o.lot_id, "The QC lot, qcl_... (or --batch-id).");
  loader.String("batch-id", &o.batch_id,
                "The batch whose lot it is: bat_... or the batch's number, its "
                "donor\nlot's DIN.");
  loader.String("state", &o.state,
                "lot-list: " +
                    EnumChoices(v1::LotState_descriptor(), "LOT_STATE_") + ".");
  DeclareFormatFlag(loader, &o.format, "spec-list, lot-list");
  loader.List("tests", &o.tests,
              "sample-draw: the codes of the tests the sample is for\n"
              "(--tests=VIABILITY,STERILITY).");
  loader.String("description", &o.description,
                "sample-draw: what was drawn (\"5 mL supernatant\").");
  loader.String(
      "drawn-at", &o.drawn_at,
      "sample-draw: when it was drawn (RFC 3339), as the lab's record "
      "says.");
  loader.String("location-id", &o.location_id,
                "sample-draw: where the sample is kept (loc_... or its path); "
                "default:\nthe analyst holds it.");
  loader.String("sample-id", &o.sample_id, "result-enter: the sample, smp_...");
  loader.String("test", &o.test, "result-enter: the test's code (VIABILITY).");
  loader.String("value", &o.value,
                "result-enter: the result, a decimal in the test's unit or "
                "one of its\nallowed values (\"no growth\").");
  loader.String("unit", &o.unit,
                "result-enter: a numeric result's unit, the specification's "
                "(%).");
  loader.String("tested-at", &o.tested_at,
                "result-enter: when the test was run (RFC 3339), as the lab's "
                "record\nsays.");
  loader.String("instrument", &o.instrument,
                "result-enter: the analyser or kit lot.");
  loader.String("retest-of", &o.retest_of,
                "result-enter: the valid result a retest repeats, res_...; "
                "needs\n--reason and --qa-approver.");
  DeclareCosigner(
      loader,
      {.flag = "qa-approver", .who = "the QA user approving the retest"},
      "result-enter", &o.qa_approver, &o.qa_approver_password_env);
  loader.String("result-id", &o.result_id,
                "result-review, result-invalidate: the result, res_...");
  loader.String("investigation-id", &o.investigation_id,
                "investigation-close: the investigation, inv_...");
  loader.String("outcome", &o.outcome,
                "investigation-close: " +
                    EnumChoices(v1::InvestigationOutcome_descriptor(),
                                "INVESTIGATION_OUTCOME_") +
                    ".");
  loader.String("conclusion", &o.conclusion,
                "investigation-close: what the investigation found.");
  loader.String("disposition", &o.disposition,
                FlagHelp("dispose: the state QA puts the lot in: " +
                         Dispositions() + "."));
  loader.Int64("expected-version", &o.expected_version, 0, INT64_MAX,
               "dispose: the lot's version you looked at (lot-show); 0: not "
               "checked.");
  loader.String("out", &o.out,
                "certificate: write the PDF to this file (or into this "
                "directory).");
  loader.String("reason", &o.reason, "Why the change is made (audited).");
  loader.Bool("password-stdin", &o.password_stdin,
              "Read passwords from stdin, one line each (result-enter "
              "--retest-of:\nyours, then the QA approver's).");
  loader.String("password-env", &o.password_env,
                "Read your password from this environment variable (its "
                "name, not\nthe password).");
}

std::vector<NamedFlag> QcNamedFlags(QcOptions& o) {
  return {
      {"batch-id", NamedFlag::Thing::kBatch, &o.batch_id},
      {"location-id", NamedFlag::Thing::kLocation, &o.location_id},
  };
}

}  // namespace

const Group& QcGroup() {
  static const auto* const group = new GroupOf<QcOptions>({
      .name = "qc",
      .alias = "",
      .about = "Release specifications, lots under test, results and QA's "
               "disposition",
      .declare = DeclareQcFlags,
      .commands =
          {
              {{"qc spec-create",
                "spec-name product use-default tests-file reason",
                "cellchain qc spec-create [--spec-name=NAME] "
                "[--product=TEXT]\n"
                "                        (--use-default | "
                "--tests-file=FILE)\n"
                "A new DRAFT version of a release specification, with the "
                "default\nspecification's tests or those of FILE; its version "
                "is the name's highest\n+ 1. QA. FILE is JSON, each test as "
                "qc.proto's SpecTest:\n"
                "  {\"tests\": [{\"code\": \"VIABILITY\", \"name\": "
                "\"Viability\", \"method\": \"7-AAD\",\n"
                "              \"kind\": \"RESULT_KIND_NUMERIC\", "
                "\"unit\": \"%\",\n"
                "              \"limits\": {\"min\": \"70\"}, "
                "\"required\": true}, ...]}\n"},
               qc_cli::SpecCreate},
              {{"qc spec-approve",
                "spec-id! reason password-stdin password-env",
                "cellchain qc spec-approve --spec-id=SPC\n"
                "                          [--password-stdin | "
                "--password-env=VAR]\n"
                "QA approves a DRAFT (signed APPROVED): it takes effect and "
                "the version in\neffect before is superseded.\n"},
               qc_cli::SpecApprove},
              {{"qc spec-show", "spec-id spec-name",
                "cellchain qc spec-show (--spec-id=SPC | --spec-name=NAME)\n"
                "A specification version and its tests with their criteria; "
                "by name, the\nversion in effect. QC analyst, QA, "
                "technician.\n"},
               qc_cli::SpecShow},
              {{"qc spec-list", "spec-name format",
                "cellchain qc spec-list [--spec-name=NAME] "
                "[--format=table|json|csv]\n"
                "Every specification version, by name then version, with its "
                "status.\n"},
               qc_cli::SpecList},
              {{"qc lot-open", "batch-id! spec-name reason",
                "cellchain qc lot-open --batch-id=BATCH [--spec-name=NAME]\n"
                "Opens release testing of a harvested batch's product lot "
                "(the batch is\nQC_PENDING) under the specification in "
                "effect. QC analyst or QA.\n"},
               LotOpen},
              {{"qc lot-show", "lot-id batch-id",
                "cellchain qc lot-show (--lot-id=QCL | --batch-id=BATCH)\n"
                "A lot: its state, where each test stands, samples, every "
                "result (invalidated\nones too), investigations, lookbacks "
                "and what a release would refuse now.\n"},
               LotShow},
              {{"qc lot-list", "state format",
                "cellchain qc lot-list [--state=STATE] "
                "[--format=table|json|csv]\n"
                "Lots, newest first; with --state only those in that state "
                "(testing,\nreleased, ...).\n"},
               LotList},
              {{"qc sample-draw",
                "lot-id batch-id tests! description! drawn-at! location-id "
                "reason",
                "cellchain qc sample-draw (--lot-id=QCL | --batch-id=BATCH) "
                "--tests=CODE,...\n"
                "                         --drawn-at=TIME "
                "--description=TEXT\n"
                "                         [--location-id=LOC]\n"
                "A sample drawn from the product lot for the tests named: a "
                "custody\nQC_SAMPLE item derived from the product lot. "
                "Technician or QC analyst.\n"},
               qc_cli::SampleDraw},
              {{"qc result-enter",
                "sample-id! test! value! unit tested-at! instrument retest-of "
                "qa-approver qa-approver-password-env reason password-stdin "
                "password-env",
                "cellchain qc result-enter --sample-id=SMP --test=CODE "
                "--value=V [--unit=U]\n"
                "                          --tested-at=TIME "
                "[--instrument=TEXT]\n"
                "                          [--retest-of=RES --reason=TEXT "
                "--qa-approver=USER]\n"
                "                          [--password-stdin | "
                "--password-env=VAR]\n"
                "                          "
                "[--qa-approver-password-env=VAR]\n"
                "An analyst's result (signed PERFORMED), judged against the "
                "specification at\nonce: out of specification opens an "
                "investigation. A test with a valid\nresult takes only a "
                "retest, approved by QA at this workstation. QC analyst.\n"},
               qc_cli::ResultEnter},
              {{"qc result-review",
                "result-id! reason password-stdin password-env",
                "cellchain qc result-review --result-id=RES\n"
                "                           [--password-stdin | "
                "--password-env=VAR]\n"
                "A second analyst reviews a result (signed REVIEWED); only a "
                "reviewed result\ncounts toward release. Not the analyst who "
                "entered it.\n"},
               qc_cli::ResultReview},
              {{"qc result-invalidate",
                "result-id! reason! password-stdin password-env",
                "cellchain qc result-invalidate --result-id=RES --reason=TEXT\n"
                "                               [--password-stdin | "
                "--password-env=VAR]\n"
                "QA invalidates a result (signed APPROVED): it stays on "
                "record, marked\ninvalid, and no longer counts.\n"},
               qc_cli::ResultInvalidate},
              {{"qc investigation-close",
                "investigation-id! outcome! conclusion! reason password-stdin "
                "password-env",
                "cellchain qc investigation-close --investigation-id=INV "
                "--outcome=OUTCOME\n"
                "                                 --conclusion=TEXT\n"
                "                                 [--password-stdin | "
                "--password-env=VAR]\n"
                "QA closes an OOS investigation (signed APPROVED): lab_error "
                "invalidates\nthe OOS result; product_failure and "
                "inconclusive leave it standing.\n"},
               qc_cli::InvestigationClose},
              {{"qc dispose",
                "lot-id batch-id disposition! expected-version reason "
                "password-stdin password-env",
                "cellchain qc dispose (--lot-id=QCL | --batch-id=BATCH) "
                "--disposition=D\n"
                "                     [--expected-version=N] "
                "[--reason=TEXT]\n"
                "                     [--password-stdin | "
                "--password-env=VAR]\n"
                "QA's signed disposition: released, conditionally_released "
                "(signed RELEASED),\nrejected (REJECTED, --reason), on_hold "
                "(APPROVED, --reason). A release is\nrefused naming every "
                "gate that fails; a rejection recalls the product lot.\n"},
               Dispose},
              {{"qc certificate", "lot-id batch-id out",
                "cellchain qc certificate (--lot-id=QCL | --batch-id=BATCH) "
                "[--out=FILE]\n"
                "The certificate of analysis of a released lot: each test's "
                "result and\nverdict and every e-signature; --out saves the "
                "PDF (checked against its\nSHA-256). QC analyst, QA, "
                "pharmacist.\n"},
               Certificate},
          },
      .field_aliases =
          {
              {"specification_id", "spec-id"},
              {"specification_name", "spec-name"},
              {"effective_name", "spec-name"},
              {"tests", "tests-file"},
              {"test_codes", "tests"},
              {"test_code", "test"},
              {"retest_of_result_id", "retest-of"},
              {"qa_approval", "qa-approver"},
          },
      .named_flags = QcNamedFlags,
  });
  return *group;
}

}  // namespace cellchain::cli
