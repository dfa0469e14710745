// The donor schema (cellchain_donor) as the service reads and writes it:
// the rows of each snapshot (donor, consent, screening, determination,
// donor lot with its deviations), the facts eligibility is determined from,
// and each change an RPC makes, one function per statement. The SQL is in
// store.cc, each statement a named constant (or, where it reads or binds a
// timestamp, a named function built with pg::MicrosColumn and
// fields::TimestampParam); enum columns are bound from the proto enums.
// Each loader reads exactly what the audit record's after_state holds, so
// that the state readers (Donors::RegisterStateReaders) can read a snapshot
// again.
//
// The loaders take a pg::Connection or a pg::Transaction (explicitly
// instantiated for both in store.cc). NOT_FOUND with the entity's reason
// (DONOR_NOT_FOUND, LOT_NOT_FOUND, DEVIATION_NOT_FOUND) when a row is
// missing (consents, screenings and determinations, read by id only by the
// state readers, without one); DATA_LOSS when a determination's stored
// reasons do not parse; the database's errors as services/common/pg maps
// them otherwise.
//
// Thread-safety: free functions; each call uses only the executor passed in.
#ifndef CELLCHAIN_SERVICES_DONOR_STORE_H_
#define CELLCHAIN_SERVICES_DONOR_STORE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellchain/common/v1/common.pb.h"
#include "cellchain/donor/v1/donor.pb.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/transaction.h"
#include "services/donor/eligibility.h"
#include "services/donor/intake_values.h"

namespace cellchain::donor {

// Every id of each entity type, for the state readers.
inline constexpr char kSelectDonorCodes[] =
    "SELECT donor_code FROM cellchain_donor.donors";
inline constexpr char kSelectConsentIds[] =
    "SELECT consent_id FROM cellchain_donor.consents";
inline constexpr char kSelectScreeningIds[] =
    "SELECT screening_id FROM cellchain_donor.screenings";
inline constexpr char kSelectDeterminationIds[] =
    "SELECT determination_id FROM cellchain_donor.determinations";
inline constexpr char kSelectLotIds[] =
    "SELECT lot_id FROM cellchain_donor.lots";

// ---- reads -----------------------------------------------------------------

// The donor (locked FOR UPDATE with `for_update`).
template <typename Executor>
absl::StatusOr<v1::Donor> LoadDonor(Executor& executor, const std::string& code,
                                    bool for_update = false);

template <typename Executor>
absl::StatusOr<v1::Consent> LoadConsent(Executor& executor,
                                        const std::string& id);
// Her consents, in the order they were recorded.
template <typename Executor>
absl::StatusOr<std::vector<v1::Consent>> LoadConsents(Executor& executor,
                                                      const std::string& code);

template <typename Executor>
absl::StatusOr<v1::Screening> LoadScreening(Executor& executor,
                                            const std::string& id);
// Her screening results, in the order they were recorded.
template <typename Executor>
absl::StatusOr<std::vector<v1::Screening>> LoadScreenings(
    Executor& executor, const std::string& code);

template <typename Executor>
absl::StatusOr<v1::Determination> LoadDetermination(Executor& executor,
                                                    const std::string& id);
// Her determinations, oldest first.
template <typename Executor>
absl::StatusOr<std::vector<v1::Determination>> LoadDeterminations(
    Executor& executor, const std::string& code);
// Her latest determination; nullopt when there is none.
template <typename Executor>
absl::StatusOr<std::optional<v1::Determination>> LoadLatestDetermination(
    Executor& executor, const std::string& code);

// The facts eligibility is determined from, as stored now.
template <typename Executor>
absl::StatusOr<DonorFacts> LoadFacts(Executor& executor,
                                     const v1::Donor& donor);

// The lot with its deviations (locked FOR UPDATE with `for_update`).
template <typename Executor>
absl::StatusOr<v1::DonorLot> LoadLot(Executor& executor, const std::string& id,
                                     bool for_update = false);
// The lot whose DIN (as stored) is `din`.
template <typename Executor>
absl::StatusOr<v1::DonorLot> LoadLotByDin(Executor& executor,
                                          const std::string& din);
// The lots `query` selects, newest receipt first, one more than its page
// size when there is a next page.
template <typename Executor>
absl::StatusOr<std::vector<v1::DonorLot>> LoadLotPage(Executor& executor,
                                                      const LotQuery& query);

// The ids of her lots, in the order they were received.
absl::StatusOr<std::vector<std::string>> LotIdsOf(pg::Connection& c,
                                                  const std::string& code);

// The DINs (13 characters) of her lots, in the order they were received:
// the records of her screenings and determinations carry them, so that a
// DIN query in audit finds them (docs/services/donor.md).
absl::StatusOr<std::vector<std::string>> DinsOf(pg::Transaction& tx,
                                                const std::string& code);

// Her sealed identifying values (name, date of birth, medical record
// number), "" for each not recorded.
absl::StatusOr<std::array<std::string, 3>> LoadSealedIdentifying(
    pg::Connection& c, const std::string& code);

// The entities of her intake: her consents, screenings and lots (only
// `lot_id` when it is not empty), each as an EntityRef.
absl::StatusOr<std::vector<common::v1::EntityRef>> IntakeEntities(
    pg::Transaction& tx, const std::string& code, const std::string& lot_id);

// The lot the deviation belongs to.
absl::StatusOr<std::string> DeviationLotId(pg::Transaction& tx,
                                           const std::string& deviation_id);

// ---- changes ---------------------------------------------------------------
// Each in the caller's transaction; "now" is the transaction's time.

// A donor registered now by donor.registered_by_user_id, with her delivery
// time when given and which identifying values were recorded.
absl::Status InsertDonor(pg::Transaction& tx, const v1::Donor& donor);
// Her sealed identifying values (nullopt for one not given).
absl::Status InsertIdentifying(pg::Transaction& tx, const std::string& code,
                               const std::optional<std::string>& name,
                               const std::optional<std::string>& date_of_birth,
                               const std::optional<std::string>& mrn);

// A consent recorded now by consent.recorded_by_user_id.
absl::Status InsertConsent(pg::Transaction& tx, const v1::Consent& consent);
// Sets her consent status and bumps her revision.
absl::Status SetConsentStatus(pg::Transaction& tx, const std::string& code,
                              v1::ConsentStatus status);
// Withdraws every consent of hers not withdrawn yet, at `withdrawn_at` (µs
// since the epoch; now when nullopt), for `reason`, recorded by `user_id`;
// the ids withdrawn, sorted.
absl::StatusOr<std::vector<std::string>> WithdrawConsents(
    pg::Transaction& tx, const std::string& code,
    std::optional<int64_t> withdrawn_at, const std::string& reason,
    const std::string& user_id);
// The custody items of her lots not discarded, sorted.
absl::StatusOr<std::vector<std::string>> ItemsOfLotsNotDiscarded(
    pg::Transaction& tx, const std::string& code);

// A screening result recorded now by screening.recorded_by_user_id.
absl::Status InsertScreening(pg::Transaction& tx,
                             const v1::Screening& screening);
// Bumps her revision (her data changed).
absl::Status BumpRevision(pg::Transaction& tx, const std::string& code);

// A determination made now by determination.determined_by_user_id, its
// reasons serialized deterministically.
absl::Status InsertDetermination(pg::Transaction& tx,
                                 const v1::Determination& determination);

// Records her delivery time and bumps her revision.
absl::Status RecordDelivery(pg::Transaction& tx, const std::string& code,
                            const google::protobuf::Timestamp& delivered_at);
// A lot received in QUARANTINE by lot.received_by_user_id.
absl::Status InsertLot(pg::Transaction& tx, const v1::DonorLot& lot);
// An OPEN deviation of lot `lot_id`, created at the statement's clock time
// so that a lot's deviations keep the order they were found in.
absl::Status InsertDeviation(pg::Transaction& tx, const std::string& lot_id,
                             v1::DeviationKind kind,
                             const std::string& description);
// Assesses an OPEN deviation now; false when it is not OPEN (assessed
// already).
absl::StatusOr<bool> AssessOpenDeviation(pg::Transaction& tx,
                                         const std::string& deviation_id,
                                         v1::DeviationStatus decision,
                                         const std::string& assessment,
                                         const std::string& user_id);
// Bumps the lot's version (its snapshot changed).
absl::Status BumpLotVersion(pg::Transaction& tx, const std::string& lot_id);
// The lot AVAILABLE, released now by `user_id`.
absl::Status MarkReleased(pg::Transaction& tx, const std::string& lot_id,
                          const std::string& user_id);
// The lot DISCARDED for `reason`.
absl::Status MarkDiscarded(pg::Transaction& tx, const std::string& lot_id,
                           const std::string& reason);

}  // namespace cellchain::donor

#endif  // CELLCHAIN_SERVICES_DONOR_STORE_H_
