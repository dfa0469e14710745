// cellchain qc sample-draw|result-enter|result-review|result-invalidate|
// investigation-close: the lab's part of release testing and QA's
// decisions on single results.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/cli.h"
#include "clients/cli/cosigner.h"
#include "clients/cli/qc_commands_internal.h"
#include "clients/cli/session.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli::qc_cli {
namespace {

std::string Conformance(v1::Conformance c) {
  return Word(v1::Conformance_Name(c), "CONFORMANCE_");
}

// "result res_... VIABILITY = 92.5 % (criterion ≥ 70 %)".
std::string ResultLine(const v1::Result& r) {
  return absl::StrCat("result ", r.result_id(), " ", Printable(r.test_code()),
                      " = ", ValueText(r), " (criterion ",
                      Printable(r.criterion()), ")");
}

}  // namespace

int SampleDraw(std::shared_ptr<grpc::Channel> channel, const QcOptions& o) {
  const std::string cmd = Cmd("sample-draw");
  v1::DrawSampleRequest request;
  google::protobuf::Timestamp drawn_at;
  if (!ReadTimeFlag(cmd, "drawn-at", o.drawn_at, &drawn_at)) return 2;
  if (!o.drawn_at.empty()) *request.mutable_drawn_at() = drawn_at;
  std::string lot_id;
  if (int code = LotIdOf(channel, o, cmd, &lot_id); code != 0) return code;
  *request.mutable_context() = NewRequestContext(o);
  request.set_lot_id(lot_id);
  // Test codes are upper case (VIABILITY); typed in any case.
  for (const std::string& code : o.tests) {
    request.add_test_codes(absl::AsciiStrToUpper(code));
  }
  request.set_description(o.description);
  request.set_location_id(o.location_id);
  v1::DrawSampleResponse response;
  grpc::Status status =
      Call(channel, o, &v1::QcService::Stub::DrawSample, request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Sample& s = response.sample();
  std::cout << "sample " << s.sample_id() << " drawn from lot " << s.lot_id()
            << " for " << absl::StrJoin(s.test_codes(), ", ") << " at "
            << DisplayTime(s.drawn_at()) << " by "
            << Printable(s.drawn_by_user_id()) << "\n  custody item "
            << s.item_id() << " (QC_SAMPLE, derived from the product lot)\n";
  return 0;
}

int ResultEnter(std::shared_ptr<grpc::Channel> channel, const QcOptions& o) {
  const std::string cmd = Cmd("result-enter");
  // QA approves a retest, and nothing else: asked for before anyone types
  // a password.
  if (o.retest_of.empty() && !o.qa_approver.empty()) {
    return Fail(cmd,
                "--qa-approver approves a retest: it goes with "
                "--retest-of=RES",
                2);
  }
  if (!o.retest_of.empty() &&
      !CosignerNamed(cmd, o.qa_approver, "with --retest-of")) {
    return 2;
  }
  v1::EnterResultRequest request;
  google::protobuf::Timestamp tested_at;
  if (!ReadTimeFlag(cmd, "tested-at", o.tested_at, &tested_at)) return 2;
  if (!o.tested_at.empty()) *request.mutable_tested_at() = tested_at;
  request.set_sample_id(o.sample_id);
  request.set_test_code(absl::AsciiStrToUpper(o.test));
  request.set_value(o.value);
  request.set_unit(o.unit);
  request.set_instrument(o.instrument);
  request.set_retest_of_result_id(o.retest_of);
  if (!ReadSignature(o, cmd,
                     absl::StrCat("the ", request.test_code(), " result ",
                                  o.value, o.unit.empty() ? "" : " ", o.unit),
                     common::v1::SIGNATURE_MEANING_PERFORMED,
                     request.mutable_signature())) {
    return 2;
  }
  if (!o.retest_of.empty()) {
    // QA approves the retest at the analyst's workstation.
    if (!ReadCoSignature(o, cmd, o.qa_approver, o.qa_approver_password_env,
                         absl::StrCat("the retest of ", o.retest_of),
                         common::v1::SIGNATURE_MEANING_APPROVED,
                         request.mutable_qa_approval())) {
      return 2;
    }
  }
  *request.mutable_context() = NewRequestContext(o);
  v1::EnterResultResponse response;
  grpc::Status status =
      Call(channel, o, &v1::QcService::Stub::EnterResult, request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Result& r = response.result();
  std::cout << ResultLine(r) << ": " << Conformance(r.conformance()) << "\n";
  std::cout << "  entered by " << Printable(r.performed_by_user_id()) << " at "
            << DisplayTime(r.performed_at()) << " (signed PERFORMED)";
  if (!r.retest_of_result_id().empty()) {
    std::cout << "; retest of " << r.retest_of_result_id() << " approved by "
              << Printable(r.retest_approved_by_user_id());
  }
  std::cout << "\n";
  if (response.has_investigation()) {
    std::cout << "OUT OF SPECIFICATION: investigation "
              << response.investigation().investigation_id()
              << " opened; the lot cannot be released while it is open\n";
  }
  std::cout << "  it counts toward release once another analyst reviews it: "
               "cellchain qc result-review --result-id="
            << r.result_id() << "\n";
  const v1::Lot& lot = response.lot();
  std::cout << "lot " << lot.lot_id() << " is "
            << Word(v1::LotState_Name(lot.state()), "LOT_STATE_") << "\n";
  if (response.has_lookback()) {
    std::cout << "this result REJECTED the lot\n";
    PrintLookback(response.lookback());
  }
  return 0;
}

int ResultReview(std::shared_ptr<grpc::Channel> channel, const QcOptions& o) {
  const std::string cmd = Cmd("result-review");
  v1::ReviewResultRequest request;
  request.set_result_id(o.result_id);
  if (!ReadSignature(o, cmd, "your review of result " + o.result_id,
                     common::v1::SIGNATURE_MEANING_REVIEWED,
                     request.mutable_signature())) {
    return 2;
  }
  *request.mutable_context() = NewRequestContext(o);
  v1::ReviewResultResponse response;
  grpc::Status status =
      Call(channel, o, &v1::QcService::Stub::ReviewResult, request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Result& r = response.result();
  std::cout << ResultLine(r) << ": " << Conformance(r.conformance())
            << "; reviewed by " << Printable(r.reviewed_by_user_id()) << " at "
            << DisplayTime(r.reviewed_at()) << " (entered by "
            << Printable(r.performed_by_user_id()) << ")\n";
  const v1::Lot& lot = response.lot();
  std::cout << "lot " << lot.lot_id() << " is "
            << Word(v1::LotState_Name(lot.state()), "LOT_STATE_");
  if (lot.has_conditions_closed_at()) {
    std::cout << " (every test pending at release is in since "
              << DisplayTime(lot.conditions_closed_at()) << ")";
  }
  std::cout << "\n";
  return 0;
}

int ResultInvalidate(std::shared_ptr<grpc::Channel> channel,
                     const QcOptions& o) {
  const std::string cmd = Cmd("result-invalidate");
  v1::InvalidateResultRequest request;
  request.set_result_id(o.result_id);
  if (!ReadSignature(o, cmd, "the invalidation of result " + o.result_id,
                     common::v1::SIGNATURE_MEANING_APPROVED,
                     request.mutable_signature())) {
    return 2;
  }
  *request.mutable_context() = NewRequestContext(o);
  v1::InvalidateResultResponse response;
  grpc::Status status = Call(channel, o, &v1::QcService::Stub::InvalidateResult,
                             request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Result& r = response.result();
  std::cout << ResultLine(r) << " INVALIDATED by "
            << Printable(r.invalidated_by_user_id()) << " at "
            << DisplayTime(r.invalidated_at()) << ": "
            << Printable(r.invalidation_reason())
            << "\n  it stays on record and no longer counts";
  if (!r.investigation_id().empty()) {
    std::cout << "; its investigation " << r.investigation_id()
              << " stays open until QA closes it";
  }
  std::cout << "\n";
  return 0;
}

int InvestigationClose(std::shared_ptr<grpc::Channel> channel,
                       const QcOptions& o) {
  const std::string cmd = Cmd("investigation-close");
  v1::InvestigationOutcome outcome;
  if (!ParseEnumFlag(cmd, "outcome", o.outcome, "INVESTIGATION_OUTCOME_",
                     &outcome)) {
    return 2;
  }
  v1::CloseInvestigationRequest request;
  request.set_investigation_id(o.investigation_id);
  request.set_outcome(outcome);
  request.set_conclusion(o.conclusion);
  if (!ReadSignature(o, cmd,
                     "the closure of investigation " + o.investigation_id,
                     common::v1::SIGNATURE_MEANING_APPROVED,
                     request.mutable_signature())) {
    return 2;
  }
  *request.mutable_context() = NewRequestContext(o);
  v1::CloseInvestigationResponse response;
  grpc::Status status = Call(
      channel, o, &v1::QcService::Stub::CloseInvestigation, request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Investigation& i = response.investigation();
  const v1::Result& r = response.result();
  std::cout << "investigation " << i.investigation_id() << " ("
            << Printable(i.test_code()) << ") closed by "
            << Printable(i.closed_by_user_id()) << " at "
            << DisplayTime(i.closed_at()) << ": "
            << Word(v1::InvestigationOutcome_Name(i.outcome()),
                    "INVESTIGATION_OUTCOME_")
            << ": " << Printable(i.conclusion()) << "\n";
  if (r.invalidated()) {
    std::cout << ResultLine(r) << " is INVALIDATED: it no longer counts\n";
  } else {
    std::cout << ResultLine(r) << " stands: the test stays "
              << "OUT_OF_SPECIFICATION whatever a retest says\n";
  }
  return 0;
}

}  // namespace cellchain::cli::qc_cli
