// Custody: physical items, the derivation graph that is their chain of
// identity, locations, handoffs, temperatures, holds and recalls, DIN
// allocation, and trace forward and backward, over PostgreSQL (schema
// cellchain_custody) with every change audited through the ledger in the
// change's transaction (docs/services/custody.md).
//
// Audit records and their entities (after_state in parentheses, every one
// readable again by the state readers RegisterStateReaders installs):
//   item             (v1.Item)  item.register, item.link_parent,
//                    item.handoff_initiate, item.handoff_accept,
//                    item.handoff_cancel, item.hold, item.hold_release,
//                    item.temperature_excursion, item.end
//   handoff          (v1.Handoff)  handoff.initiate, handoff.accept,
//                    handoff.cancel, handoff.accept_refused (a scan that
//                    did not match: audited in a transaction of its own,
//                    since the refused change is not written)
//   hold             (v1.Hold)  hold.place, hold.release (QA's signature)
//   recall           (v1.Recall)  recall.issue
//   location         (v1.Location)  location.create
//   din_allocation   (v1.DinAllocation)  din_allocation.allocate
//   temperature_upload (v1.TemperatureUpload)  temperature_upload.record
//   temperature_limit  (v1.TemperatureLimit)  temperature_limit.set
// A transaction that appends for several entities takes their locks in the
// order of entity type, then id (deadlock-free, ledger.h).
//
// Refusals: INVALID_ARGUMENT naming the field; FAILED_PRECONDITION with the
// reasons of reasons.h (the rules that refuse are in rules.h);
// PERMISSION_DENIED NOT_CUSTODIAN / NOT_RECIPIENT; NOT_FOUND for an
// unknown item, location, handoff or hold; ALREADY_EXISTS
// for an identifier in use. Nothing is written on any of them (but the
// audited scan refusal).
//
// Thread-safety: all methods are safe to call concurrently.
#ifndef CELLCHAIN_SERVICES_CUSTODY_CUSTODY_H_
#define CELLCHAIN_SERVICES_CUSTODY_CUSTODY_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/auth/signatures.h"
#include "services/common/pg/pool.h"
#include "services/custody/reasons.h"
#include "services/custody/rules.h"  // ScanMatches
#include "services/ledger/ledger.h"
#include "services/ledger/state_registry.h"

namespace cellchain::custody {

inline constexpr char kServiceName[] = "cellchain.custody.v1.CustodyService";

struct CustodyOptions {
  // The largest number of items one recall may put on hold in one
  // transaction: each takes two entity locks (ledger.h), from a lock table
  // all sessions share.
  int max_recall_items = 300;
};

class Custody {
 public:
  // `pool` connects as cellchain_custody; `ledger` signs as "custody";
  // `signatures` re-authenticates QA's hold releases. None is owned; all
  // must outlive the Custody. `clock` stamps DIN years (tests fix it).
  Custody(pg::Pool* pool, const ledger::Ledger* ledger,
          auth::SignatureAuthority* signatures, ledger::Clock* clock,
          CustodyOptions options = {});

  // Registers the readers of every entity type listed above.
  static absl::Status RegisterStateReaders(ledger::StateRegistry& registry);

  // FAILED_PRECONDITION DIN_SEQUENCE_EXHAUSTED past 999999 in a year;
  // INVALID_ARGUMENT field "fin".
  absl::StatusOr<v1::AllocateDinResponse> AllocateDin(
      const auth::Principal& caller, const v1::AllocateDinRequest& request);

  absl::StatusOr<v1::RegisterItemResponse> RegisterItem(
      const auth::Principal& caller, const v1::RegisterItemRequest& request);
  absl::StatusOr<v1::LinkParentResponse> LinkParent(
      const auth::Principal& caller, const v1::LinkParentRequest& request);
  absl::StatusOr<v1::GetItemResponse> GetItem(
      const v1::GetItemRequest& request);
  absl::StatusOr<v1::FindItemByScanResponse> FindItemByScan(
      const v1::FindItemByScanRequest& request);

  absl::StatusOr<v1::CreateLocationResponse> CreateLocation(
      const auth::Principal& caller, const v1::CreateLocationRequest& request);
  absl::StatusOr<v1::ListLocationsResponse> ListLocations(
      const v1::ListLocationsRequest& request);

  absl::StatusOr<v1::InitiateHandoffResponse> InitiateHandoff(
      const auth::Principal& caller, const v1::InitiateHandoffRequest& request);
  absl::StatusOr<v1::AcceptHandoffResponse> AcceptHandoff(
      const auth::Principal& caller, const v1::AcceptHandoffRequest& request);
  absl::StatusOr<v1::CancelHandoffResponse> CancelHandoff(
      const auth::Principal& caller, const v1::CancelHandoffRequest& request);

  // INVALID_ARGUMENT field "readings[i].measured_at" for a reading dated
  // more than kMaxReadingClockSkew after the clock, or before the item was
  // registered (the location created, for a location's upload): a logger's
  // readings from before belong to what held the item then. Nothing is
  // written.
  absl::StatusOr<v1::RecordTemperaturesResponse> RecordTemperatures(
      const auth::Principal& caller,
      const v1::RecordTemperaturesRequest& request);
  absl::StatusOr<v1::SetTemperatureLimitsResponse> SetTemperatureLimits(
      const auth::Principal& caller,
      const v1::SetTemperatureLimitsRequest& request);
  absl::StatusOr<v1::ListTemperatureLimitsResponse> ListTemperatureLimits();

  absl::StatusOr<v1::PlaceHoldResponse> PlaceHold(
      const auth::Principal& caller, const v1::PlaceHoldRequest& request);
  // QA's signature is checked (password again) before the transaction.
  // PERMISSION_DENIED SEGREGATION_OF_DUTIES when the signer did work on the
  // held item (any record of it but holds), nothing written.
  absl::StatusOr<v1::ReleaseHoldResponse> ReleaseHold(
      const auth::Principal& caller, const v1::ReleaseHoldRequest& request);
  // FAILED_PRECONDITION RECALL_TOO_LARGE past max_recall_items.
  absl::StatusOr<v1::RecallResponse> Recall(const auth::Principal& caller,
                                            const v1::RecallRequest& request);
  absl::StatusOr<v1::EndItemResponse> EndItem(
      const auth::Principal& caller, const v1::EndItemRequest& request);

  // Read in one REPEATABLE READ snapshot. NOT_FOUND for an unknown item.
  absl::StatusOr<v1::TraceResponse> TraceForward(
      const v1::TraceRequest& request);
  absl::StatusOr<v1::TraceResponse> TraceBackward(
      const v1::TraceRequest& request);

 private:
  absl::StatusOr<v1::TraceResponse> Trace(const v1::TraceRequest& request,
                                          bool forward);

  pg::Pool* const pool_;
  const ledger::Ledger* const ledger_;
  auth::SignatureAuthority* const signatures_;
  ledger::Clock* const clock_;
  const CustodyOptions options_;
};

}  // namespace cellchain::custody

#endif  // CELLCHAIN_SERVICES_CUSTODY_CUSTODY_H_
