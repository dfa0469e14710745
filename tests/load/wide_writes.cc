#include "tests/load/wide_writes.h"

#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "services/common/crypto/random.h"

namespace cellchain::load {
namespace {

namespace common = ::cellchain::common::v1;
namespace custody = ::cellchain::custody::v1;
namespace dose = ::cellchain::dose::v1;
namespace qc = ::cellchain::qc::v1;

constexpr char kCondition[] = "cool box, 2-8 °C";

void Sign(common::ESignature* signature, const std::string& password,
          common::SignatureMeaning meaning) {
  signature->set_password(password);
  signature->set_meaning(meaning);
}

// Sends `request` through `method` of `stub` as `person`, timed as `kind`,
// its own request id as x-request-id.
template <typename Stub, typename Request, typename Response>
bool Send(const WideTimer& timed, WideKind kind, const Person& person,
          Stub& stub,
          grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                       Response*),
          const Request& request, Response* response) {
  return timed(kind, [&] {
    return (stub.*method)(
        CallContext(person, request.context().request_id()).get(), request,
        response);
  });
}

}  // namespace

absl::StatusOr<WideSetup> ReadWideSetup(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  WideSetup setup;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream words(line);
    std::string what;
    words >> what;
    auto bad = [&] {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", number, ": not a wide_setup.sh line: ", line));
    };
    if (what == "patient") {
      if (!(words >> setup.subject_id >> setup.date_of_birth >> setup.initials))
        return bad();
    } else if (what == "clinician") {
      if (!(words >> setup.clinician)) return bad();
    } else if (what == "sample") {
      if (!(words >> setup.sample_id >> setup.lot_id)) return bad();
    } else if (what == "test") {
      std::vector<std::string> parts =
          absl::StrSplit(line.substr(what.size() + 1), '|');
      if (parts.size() != 3 || parts[0].empty() || parts[1].empty())
        return bad();
      setup.tests.push_back({parts[0], parts[1], parts[2]});
    } else if (what == "dose") {
      WideSetup::Dose d;
      if (!(words >> d.dose_id >> d.order_id >> d.bag_item_id >> d.scan))
        return bad();
      setup.doses.push_back(std::move(d));
    } else {
      return bad();
    }
  }
  if (setup.subject_id.empty() || setup.clinician.empty() ||
      setup.sample_id.empty() || setup.tests.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": needs a patient, a clinician, a sample and a test line"));
  }
  return setup;
}

WideLab::WideLab(WideSetup setup, WidePeople people)
    : setup_(std::move(setup)), people_(std::move(people)) {
  for (size_t i = 0; i < setup_.tests.size(); ++i) {
    tests_.push_back(std::make_unique<TestState>());
  }
}

absl::StatusOr<std::unique_ptr<WideLab>> WideLab::Start(WideSetup setup,
                                                         WidePeople people) {
  std::unique_ptr<WideLab> lab(
      new WideLab(std::move(setup), std::move(people)));
  qc::GetLotRequest request;
  request.set_lot_id(lab->setup_.lot_id);
  qc::GetLotResponse response;
  grpc::Status status =
      qc::QcService::NewStub(lab->people_.analyst.channel)
          ->GetLot(CallContext(lab->people_.analyst).get(), request, &response);
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "qc GetLot ", request.lot_id(), ": ", status.error_message()));
  }
  auto pharmacy = dose::DoseService::NewStub(lab->people_.pharmacist.channel);
  for (const WideSetup::Dose& d : lab->setup_.doses) {
    dose::GetDoseRequest get;
    get.set_dose_id(d.dose_id);
    dose::GetDoseResponse got;
    status = pharmacy->GetDose(CallContext(lab->people_.pharmacist).get(), get,
                               &got);
    if (!status.ok()) {
      return absl::UnavailableError(absl::StrCat(
          "dose GetDose ", get.dose_id(), ": ", status.error_message()));
    }
    if (got.dose().state() == dose::DOSE_STATE_VERIFIED) {
      lab->pool_.push_back(&d);
    }
  }
  for (const qc::Result& r : response.results()) {  // in the order entered
    if (r.invalidated()) continue;
    for (size_t i = 0; i < lab->setup_.tests.size(); ++i) {
      if (lab->setup_.tests[i].code == r.test_code()) {
        lab->tests_[i]->latest_result_id = r.result_id();
      }
    }
  }
  return lab;
}

const WideSetup::Dose* WideLab::TakeDose() {
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (taken_ == pool_.size()) return nullptr;
  last_taken_ = std::chrono::steady_clock::now();
  return pool_[taken_++];
}

std::string WideLab::Report(std::chrono::steady_clock::time_point start) {
  std::lock_guard<std::mutex> lock(pool_mu_);
  std::string report =
      absl::StrCat("pharmacy pool: ", pool_.size(),
                   " dose(s) awaiting release at the start, ", taken_, " taken");
  if (taken_ > 0) {
    absl::StrAppend(
        &report,
        absl::StrFormat(", the last at %.1f s",
                        std::chrono::duration<double>(last_taken_ - start)
                            .count()));
  }
  if (taken_ == pool_.size()) absl::StrAppend(&report, " (pool used up)");
  return report;
}

WideWorker::WideWorker(WideLab& lab, int index, WideTimer timed)
    : lab_(lab),
      index_(index),
      timed_(std::move(timed)),
      analyst_qc_(qc::QcService::NewStub(lab.people().analyst.channel)),
      reviewer_qc_(qc::QcService::NewStub(lab.people().reviewer.channel)),
      pharm_dose_(dose::DoseService::NewStub(lab.people().pharmacist.channel)),
      clinician_custody_(
          custody::CustodyService::NewStub(lab.people().clinician.channel)) {
}

void WideWorker::Cycle() {
  AnalystStep();
  DoseStep();
}

void WideWorker::AnalystStep() {
  const WidePeople& people = lab_.people();
  const size_t t = static_cast<size_t>(index_) % lab_.setup().tests.size();
  const WideSetup::Test& test = lab_.setup().tests[t];
  WideLab::TestState& state = *lab_.tests_[t];
  qc::EnterResultResponse entered;
  {
    // Held over the call: the next result of this test is a retest of the
    // one this call enters.
    std::lock_guard<std::mutex> lock(state.mu);
    qc::EnterResultRequest result;
    result.mutable_context()->set_request_id(crypto::RandomId("load"));
    result.set_sample_id(lab_.setup().sample_id);
    result.set_test_code(test.code);
    result.set_value(test.value);
    result.set_unit(test.unit);
    result.mutable_tested_at()->set_seconds(std::time(nullptr) - 60);
    result.set_instrument("QC lab");
    Sign(result.mutable_signature(), people.analyst_password,
         common::SIGNATURE_MEANING_PERFORMED);
    if (!state.latest_result_id.empty()) {
      result.mutable_context()->set_reason(
          "assay repeated: load bench's repeat run");
      result.set_retest_of_result_id(state.latest_result_id);
      common::CoSignature* approval = result.mutable_qa_approval();
      approval->set_user_id(people.qa.user_id);
      approval->set_password(people.qa_password);
      approval->set_meaning(common::SIGNATURE_MEANING_APPROVED);
    }
    if (!Send(timed_, kWideEnterResult, people.analyst, *analyst_qc_,
              &qc::QcService::Stub::EnterResult, result, &entered)) {
      return;
    }
    state.latest_result_id = entered.result().result_id();
  }
  qc::ReviewResultRequest review;
  review.mutable_context()->set_request_id(crypto::RandomId("load"));
  review.set_result_id(entered.result().result_id());
  Sign(review.mutable_signature(), people.reviewer_password,
       common::SIGNATURE_MEANING_REVIEWED);
  qc::ReviewResultResponse reviewed;
  Send(timed_, kWideReviewResult, people.reviewer, *reviewer_qc_,
       &qc::QcService::Stub::ReviewResult, review, &reviewed);
}

void WideWorker::DoseStep() {
  if (dose_ == nullptr) {
    dose_ = lab_.TakeDose();
    dose_stage_ = 0;
    if (dose_ == nullptr) return;
  }
  bool done = false;
  switch (dose_stage_) {
    case 0:
      done = ReleaseDose();
      break;
    case 1:
      done = IssueDose();
      break;
    case 2:
      done = AcceptIssued();
      break;
    case 3:
      done = HandBack();
      break;
    default:
      done = ReturnDose();
      break;
  }
  if (done && ++dose_stage_ == 5) dose_ = nullptr;  // returned: the next
}

bool WideWorker::ReleaseDose() {
  const WideSetup& setup = lab_.setup();
  dose::ReleaseDoseRequest request;
  request.mutable_context()->set_request_id(crypto::RandomId("load"));
  request.set_dose_id(dose_->dose_id);
  request.set_order_id(dose_->order_id);
  request.set_label_scan(dose_->scan);
  request.set_subject_id(setup.subject_id);
  request.set_date_of_birth(setup.date_of_birth);
  request.set_initials(setup.initials);
  Sign(request.mutable_signature(), lab_.people().pharmacist_password,
       common::SIGNATURE_MEANING_RELEASED);
  dose::ReleaseDoseResponse response;
  return Send(timed_, kWideReleaseDose, lab_.people().pharmacist,
              *pharm_dose_, &dose::DoseService::Stub::ReleaseDose, request,
              &response);
}

bool WideWorker::IssueDose() {
  dose::IssueDoseRequest request;
  request.mutable_context()->set_request_id(crypto::RandomId("load"));
  request.set_dose_id(dose_->dose_id);
  request.set_to_user_id(lab_.setup().clinician);
  request.set_condition(kCondition);
  request.set_seal_intact(true);
  dose::IssueDoseResponse response;
  if (!Send(timed_, kWideIssueDose, lab_.people().pharmacist, *pharm_dose_,
            &dose::DoseService::Stub::IssueDose, request, &response)) {
    return false;
  }
  issue_handoff_id_ = response.handoff_id();
  return true;
}

bool WideWorker::AcceptIssued() {
  custody::AcceptHandoffRequest request;
  request.mutable_context()->set_request_id(crypto::RandomId("load"));
  request.set_handoff_id(issue_handoff_id_);
  request.set_scan(dose_->scan);
  request.set_condition(kCondition);
  request.set_seal_intact(true);
  custody::AcceptHandoffResponse response;
  return Send(timed_, kWideAcceptIssued, lab_.people().clinician,
              *clinician_custody_, &custody::CustodyService::Stub::AcceptHandoff,
              request, &response);
}

bool WideWorker::HandBack() {
  custody::InitiateHandoffRequest request;
  request.mutable_context()->set_request_id(crypto::RandomId("load"));
  request.set_item_id(dose_->bag_item_id);
  request.set_to_user_id(lab_.people().pharmacist.user_id);
  request.set_condition(kCondition);
  request.set_seal_intact(true);
  custody::InitiateHandoffResponse response;
  return Send(timed_, kWideHandBack, lab_.people().clinician,
              *clinician_custody_,
              &custody::CustodyService::Stub::InitiateHandoff, request,
              &response);
}

bool WideWorker::ReturnDose() {
  dose::ReturnDoseRequest request;
  request.mutable_context()->set_request_id(crypto::RandomId("load"));
  request.mutable_context()->set_reason(
      "procedure postponed: returned unused (load bench)");
  request.set_dose_id(dose_->dose_id);
  request.set_scan(dose_->scan);
  request.set_condition(kCondition);
  request.set_seal_intact(true);
  dose::ReturnDoseResponse response;
  return Send(timed_, kWideReturnDose, lab_.people().pharmacist,
              *pharm_dose_, &dose::DoseService::Stub::ReturnDose, request,
              &response);
}

}  // namespace cellchain::load
