// ManufacturingTest: the manufacturing service over a real PostgreSQL, with
// the real custody and identity services behind it (the donor service is
// represented by its port, Lots), the users of its tests (tina and tom,
// technicians; quinn, QA) and the requests those tests send, filled in as a
// technician would: a lot in custody, released material, calibrated
// equipment, a processed batch harvested at P0.
//
// For manufacturing_pg_test only. Thread-safety: as ServiceFixture; the
// request builders (Seed, Processing, Performed) and mfg_ may be used from
// several threads.
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_MANUFACTURING_TEST_FIXTURE_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_MANUFACTURING_TEST_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/testing/service_fixture.h"
#include "services/custody/custody.h"
#include "services/custody/custody_port.h"
#include "services/manufacturing/manufacturing.h"

namespace cellchain::manufacturing {

inline constexpr char kTinaPassword[] = "performs every step";
inline constexpr char kTomPassword[] = "checks what was done";
inline constexpr char kTerryPassword[] = "both hats are one too many";

// The donor service as manufacturing sees it: lots by id.
class Lots final : public DonorLotPort {
 public:
  absl::StatusOr<donor::v1::DonorLot> GetLot(const std::string& id) override;
  absl::flat_hash_map<std::string, donor::v1::DonorLot> lots;
};

// The manufacturing service's clock in these tests: the real time, or set
// back while the fixture does what comes before a batch's work (receiving
// and releasing its medium, starting it), so that the steps the tests then
// record at T0 and after are performed after them, as contemporaneous
// records require. Thread-safety: safe to call concurrently.
class ShiftedClock final : public ledger::Clock {
 public:
  absl::Time Now() override;
  // Until Reset, Now() is `at` plus the real time passed since.
  void SetBack(absl::Time at);
  void Reset();

 private:
  absl::Mutex mu_;
  absl::Duration offset_ ABSL_GUARDED_BY(mu_);
};

class ManufacturingTest : public testing::ServiceFixture {
 protected:
  // Identity (one person may hold technician and qa), custody, the users,
  // the manufacturing service with the default options, and an incubator
  // (a room of a site) the cultures live in.
  void SetUp() override;

  // Remakes mfg_ with `options`, on clock_, with a late-entry window of a
  // year: these tests record today steps performed on days long past (T0
  // is 20 days ago), which the late-entry tests build with
  // BuildAsConfigured instead.
  void Build(ManufacturingOptions options);
  // Remakes mfg_ with `options` as given but for clock_.
  void BuildAsConfigured(ManufacturingOptions options);

  // "YYYY-MM-DD" of `t` in UTC.
  static std::string Date(absl::Time t);
  static common::v1::ESignature Performed(const char* password = kTinaPassword);
  // 20 days ago, when MakeProcessed's batch is processed; Day(d) is `d`
  // days after it.
  static absl::Time T0();
  static absl::Time Day(double d);

  // A donor lot in custody, in `state` as the donor service has it.
  donor::v1::DonorLot MakeLot(
      donor::v1::LotState state = donor::v1::LOT_STATE_AVAILABLE,
      absl::Duration collected_ago = absl::Hours(24 * 21));
  // Material received by tina, in quarantine.
  absl::StatusOr<v1::MaterialLot> Receive(v1::MaterialKind kind,
                                          const std::string& name,
                                          const std::string& expires_on);
  // Released or (with a reason) rejected by quinn.
  absl::StatusOr<v1::MaterialLot> Disposition(const std::string& id,
                                              bool release);
  // A released lot of medium, valid for a year, received and released two
  // hours before T0 (clock_ set back); its material id.
  std::string Medium();
  // An incubator registered by quinn.
  absl::StatusOr<v1::Equipment> Equipment(const std::string& tag,
                                          absl::Time calibrated,
                                          absl::Time due);
  // A batch tina starts from `lot`, an hour before T0 (clock_ set back).
  absl::StatusOr<v1::Batch> Start(const donor::v1::DonorLot& lot,
                                  std::string process = "");
  // Explant processing of 12.5 g into two T75 flasks seeded at `start`.
  v1::RecordProcessingRequest Processing(const std::string& batch_id,
                                         absl::Time start);
  // Recorded by tina, signed with `password`.
  absl::StatusOr<v1::Step> Harvest(const std::string& step_id, absl::Time at,
                                   double cells,
                                   const char* password = kTinaPassword);
  // `cells` from `source` into `vessels` T175 flasks at `at`, saying the
  // cells left in the source were `leftover` (UNSPECIFIED: none are left).
  v1::SeedPassageRequest Seed(
      const std::string& source, absl::Time at, double cells, int vessels = 3,
      v1::LeftoverDisposition leftover = v1::LEFTOVER_DISPOSITION_CARRIED);
  absl::StatusOr<v1::Step> Verify(const v1::Step& step,
                                  const auth::Principal& who,
                                  const char* password);

  // A batch processed at T0 with medium and harvested at P0 with 4e6 cells
  // on day 8.
  struct Processed {
    donor::v1::DonorLot lot;
    v1::Batch batch;
    v1::Step p0;
    std::string medium;
  };
  Processed MakeProcessed();

  // `count` freezer positions in a new site > room > freezer > rack > box,
  // created by QA: where a cryopreservation puts its vials.
  std::vector<std::string> FreezerPositions(int count);

  custody::v1::Item Item(const std::string& item_id);
  std::vector<std::string> ParentsOf(const std::string& item_id);
  int64_t Steps();

  using ServiceFixture::ExpectEverySnapshotMatchesItsRow;
  void ExpectEverySnapshotMatchesItsRow() {
    ExpectEverySnapshotMatchesItsRow("manufacturing");
  }

  std::unique_ptr<pg::Pool> pool_, custody_pool_;
  std::unique_ptr<ledger::Ledger> ledger_, custody_ledger_;
  std::unique_ptr<custody::Custody> custody_;
  std::unique_ptr<custody::DirectCustody> port_;
  Lots lots_;
  ShiftedClock clock_;
  std::unique_ptr<Manufacturing> mfg_;
  auth::Principal tina_, tom_, qa_;
  std::string incubator_;
};

}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_MANUFACTURING_TEST_FIXTURE_H_
