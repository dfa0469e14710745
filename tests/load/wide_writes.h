// The QC analysts' and the pharmacist's writes in load_bench's wider mix
// (run.sh MIX=wide): what tests/load/wide_setup.sh made once before the run
// (read from its file), and each worker's share of those writes in a cycle.
//
// The analysts: on the one lot in testing, whose sample was drawn for
// every test of the specification, each cycle the first analyst enters a
// result of a test (qc EnterResult, signed PERFORMED) and the second
// reviews it (qc ReviewResult, signed REVIEWED). A test takes one original
// result; every later one is a retest of its latest valid result, as a lab
// repeats an assay: with a reason and QA's approval (the QA person's
// co-signature at the analyst's workstation). Worker i works on test
// i mod 14, so up to 14 workers never wait for one another's test; the lot's
// row is locked by every result all the same.
//
// The pharmacist: each worker takes a dose from the setup's pool (doses
// awaiting release, in the pharmacist's hands) and, one step a cycle, takes
// it the way of a dose issued and returned unused: dose ReleaseDose (order
// sheet, label scan, patient read, signed RELEASED), dose IssueDose to the
// cath lab's clinician, the clinician's custody AcceptHandoff (scanning the
// bag), the clinician's custody InitiateHandoff back to the pharmacist, dose
// ReturnDose (scanning the bag, with a reason); then the next dose. A
// release consumes its dose: a returned one is released again only by a
// pharmacist who took no part in it (segregation of duties), and the stack
// has one pharmacist. So the pool caps the pharmacy's writes at 5 a dose;
// once it is empty the workers make none (Report says when). A failed step
// is tried again, with a new request id, the next cycle.
//
// Each run picks up where the last left the lot and the doses (run.sh runs
// load_bench at each concurrency on one setup): the tests' latest valid
// results are read from the lot (qc GetLot), and the pool is the doses
// still awaiting release (dose GetDose); one a worker left half way round
// is not taken again.
//
// Thread-safety: a WideLab is shared by the workers (its per-test state
// under a lock each); a WideWorker belongs to one worker thread.
#ifndef CELLCHAIN_TESTS_LOAD_WIDE_WRITES_H_
#define CELLCHAIN_TESTS_LOAD_WIDE_WRITES_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "cellchain/dose/v1/dose.grpc.pb.h"
#include "cellchain/qc/v1/qc.grpc.pb.h"
#include "tests/load/load_session.h"

namespace cellchain::load {

// The wider mix's writes, in the order load_bench prints them.
enum WideKind {
  kWideEnterResult,
  kWideReviewResult,
  kWideReleaseDose,
  kWideIssueDose,
  kWideAcceptIssued,
  kWideHandBack,
  kWideReturnDose,
  kWideKindCount
};
inline constexpr const char* kWideKindNames[kWideKindCount] = {
    "qc.EnterResult",  "qc.ReviewResult",   "dose.ReleaseDose",
    "dose.IssueDose",  "custody.AcceptIssued", "custody.HandBack",
    "dose.ReturnDose"};

// What wide_setup.sh wrote (its usage names the lines).
struct WideSetup {
  struct Test {
    std::string code, value, unit;
  };
  struct Dose {
    std::string dose_id, order_id, bag_item_id, scan;
  };
  std::string subject_id, date_of_birth, initials;
  std::string clinician;
  std::string sample_id, lot_id;
  std::vector<Test> tests;
  std::vector<Dose> doses;
};

// INVALID_ARGUMENT naming the line for one that is not as written above, or
// a file without a patient, clinician, sample or test; NOT_FOUND when it
// cannot be read.
absl::StatusOr<WideSetup> ReadWideSetup(const std::string& path);

// The people of the wider mix's writes, each logged in at their
// workstation, and the passwords their e-signatures re-enter.
struct WidePeople {
  Person analyst, reviewer, qa, pharmacist, clinician;
  std::string analyst_password, reviewer_password, qa_password,
      pharmacist_password;
};

class WideLab {
 public:
  // The lab with each test's latest valid result read from the lot (qc
  // GetLot as the analyst) and the pool of doses awaiting release (dose
  // GetDose as the pharmacist); its error when a read fails.
  static absl::StatusOr<std::unique_ptr<WideLab>> Start(WideSetup setup,
                                                        WidePeople people);

  const WideSetup& setup() const { return setup_; }
  const WidePeople& people() const { return people_; }
  // "pharmacy pool: N doses awaiting release at the start, M taken, the
  // last at S s" (S: seconds since `start`).
  std::string Report(std::chrono::steady_clock::time_point start);

 private:
  friend class WideWorker;
  WideLab(WideSetup setup, WidePeople people);
  // A test's latest valid result: the next one is a retest of it.
  struct TestState {
    std::mutex mu;
    std::string latest_result_id;
  };
  WideSetup setup_;
  WidePeople people_;
  std::vector<std::unique_ptr<TestState>> tests_;  // as setup_.tests
  // The next dose a worker takes, or null when the pool is used up.
  const WideSetup::Dose* TakeDose();
  std::mutex pool_mu_;
  std::vector<const WideSetup::Dose*> pool_;  // awaiting release at the start
  size_t taken_ = 0;
  std::chrono::steady_clock::time_point last_taken_;
};

// Times one call as a wide kind, as load_bench's worker times its own
// (counted, errors by code); true when it succeeded.
using WideTimer =
    std::function<bool(WideKind, const std::function<grpc::Status()>&)>;

class WideWorker {
 public:
  WideWorker(WideLab& lab, int index, WideTimer timed);

  // The analysts' result and review, and the dose's next step.
  void Cycle();

 private:
  void AnalystStep();
  void DoseStep();
  bool ReleaseDose();
  bool IssueDose();
  bool AcceptIssued();
  bool HandBack();
  bool ReturnDose();

  WideLab& lab_;
  int index_;
  WideTimer timed_;
  std::unique_ptr<qc::v1::QcService::Stub> analyst_qc_, reviewer_qc_;
  std::unique_ptr<dose::v1::DoseService::Stub> pharm_dose_;
  std::unique_ptr<custody::v1::CustodyService::Stub> clinician_custody_;
  const WideSetup::Dose* dose_ = nullptr;  // the dose in hand, if any
  int dose_stage_ = 0;                     // its next step, 0..4
  std::string issue_handoff_id_;
};

}  // namespace cellchain::load

#endif  // CELLCHAIN_TESTS_LOAD_WIDE_WRITES_H_
