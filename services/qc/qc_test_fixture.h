// QcTest: the qc service over a real PostgreSQL, with the real custody and
// identity services behind it. Manufacturing is represented by its port
// (Batches): a batch here is a response with a real custody product lot,
// whose batch and step records are signed by a manufacturing ledger as
// manufacturing writes them, so that ledger::RequireAudited and
// segregation of duties see what they would in production. The users:
// ana and ben (QC analysts), quinn (QA), tina (technician); the requests
// they send, filled in as they would.
//
// For qc_pg_test only. Thread-safety: as ServiceFixture.
#ifndef CELLCHAIN_SERVICES_QC_QC_TEST_FIXTURE_H_
#define CELLCHAIN_SERVICES_QC_QC_TEST_FIXTURE_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "services/common/testing/service_fixture.h"
#include "services/custody/custody.h"
#include "services/custody/custody_port.h"
#include "services/qc/qc.h"

namespace cellchain::qc {

inline constexpr char kAnaPassword[] = "measures twice";
inline constexpr char kBenPassword[] = "reviews everything";
inline constexpr char kRitaPassword[] = "wears two hats";
inline constexpr char kTinaPassword[] = "performs every step";

// Manufacturing as qc sees it: batches by id.
class Batches final : public BatchPort {
 public:
  absl::StatusOr<manufacturing::v1::GetBatchResponse> GetBatch(
      const std::string& id) override;
  absl::flat_hash_map<std::string, manufacturing::v1::GetBatchResponse> batches;
};

// A value in specification for each test of the default specification,
// and its unit.
std::pair<std::string, std::string> GoodValue(const std::string& code);

class QcTest : public testing::ServiceFixture {
 protected:
  // Identity, custody, the users and the qc service with default options.
  void SetUp() override;

  // The default specification, approved by QA.
  v1::Specification ApprovedDefault();
  absl::StatusOr<v1::ApproveSpecificationResponse> Approve(
      const std::string& id);

  // A harvested batch: its product lot a real custody item, the batch and
  // one step (recorded, PERFORMED, by `technician`, tina by default)
  // signed as manufacturing signs them.
  manufacturing::v1::GetBatchResponse& MakeBatch(
      const auth::Principal* technician = nullptr,
      manufacturing::v1::BatchState state =
          manufacturing::v1::BATCH_STATE_QC_PENDING);
  // Opened by ana.
  absl::StatusOr<v1::Lot> Open(const std::string& batch_id);
  // A lot under test of a new batch, with the default specification.
  v1::Lot MakeLot();
  // A sample tina draws for `codes`.
  absl::StatusOr<v1::Sample> Draw(const v1::Lot& lot,
                                  std::vector<std::string> codes);
  // Ana's result, signed PERFORMED.
  v1::EnterResultRequest Entry(const v1::Sample& sample,
                               const std::string& code,
                               const std::string& value,
                               const std::string& unit);
  absl::StatusOr<v1::EnterResultResponse> Enter(const v1::Sample& sample,
                                                const std::string& code,
                                                const std::string& value,
                                                const std::string& unit);
  // Reviewed by `who` (ben by default).
  absl::StatusOr<v1::ReviewResultResponse> Review(
      const std::string& result_id, const auth::Principal* who = nullptr,
      const char* password = kBenPassword);
  // Enters and reviews a good result of every test but `except`, each on
  // the one sample drawn for all of them.
  v1::Sample TestAll(const v1::Lot& lot, std::vector<std::string> except = {});
  // QA's (`who`, quinn by default) disposition, signed with the meaning
  // the disposition takes.
  absl::StatusOr<v1::DisposeLotResponse> Dispose(
      const v1::Lot& lot, v1::LotState to, const std::string& reason = "",
      const auth::Principal* who = nullptr,
      const char* password = testing::kQaPassword,
      int64_t expected_version = 0);
  // QA's signed closure of an investigation.
  absl::StatusOr<v1::CloseInvestigationResponse> Close(
      const std::string& investigation_id, v1::InvestigationOutcome outcome,
      const std::string& conclusion);
  v1::GetLotResponse Get(const v1::Lot& lot);
  const v1::TestEvaluation& Status(const v1::GetLotResponse& lot,
                                   const std::string& code);
  custody::v1::Item Item(const std::string& item_id);
  // A dose made from the product lot for `patient`; infused when asked.
  std::string Dose(const v1::Lot& lot, const std::string& patient, bool infuse);
  // The audit records qc wrote.
  int64_t QcRecords();

  using ServiceFixture::ExpectEverySnapshotMatchesItsRow;
  void ExpectEverySnapshotMatchesItsRow() {
    ExpectEverySnapshotMatchesItsRow("qc");
  }

  std::unique_ptr<pg::Pool> pool_, custody_pool_, mfg_pool_;
  std::unique_ptr<ledger::Ledger> ledger_, custody_ledger_, mfg_ledger_;
  std::unique_ptr<custody::Custody> custody_;
  std::unique_ptr<custody::DirectCustody> port_;
  Batches batches_;
  std::unique_ptr<Qc> qc_;
  auth::Principal ana_, ben_, qa_, tina_;
  std::optional<v1::Specification> spec_;
};

}  // namespace cellchain::qc

#endif  // CELLCHAIN_SERVICES_QC_QC_TEST_FIXTURE_H_
