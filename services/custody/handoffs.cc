// Custody's handoffs (InitiateHandoff, AcceptHandoff, CancelHandoff): an
// item in transit from its custodian and place to a person, a place or
// both, accepted only by scanning it (a mismatch is refused and audited),
// or cancelled back to where it came from.
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/custody/custody.h"
#include "services/custody/custody_internal.h"
#include "services/custody/rules.h"
#include "services/custody/store.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::custody {
namespace {

// An open handoff: $1 id, $2 item, $3 from user, $4 from location (either
// '' when none), $5 to user, $6 to location (either ''), $7 carrier,
// $8 condition and $9 seal at dispatch.
constexpr char kInsertHandoff[] =
    "INSERT INTO cellchain_custody.handoffs "
    "(handoff_id, item_id, from_user_id, from_location_id, "
    " to_user_id, to_location_id, carrier_user_id, "
    " condition_at_dispatch, seal_intact_at_dispatch, initiated_at, status) "
    "VALUES ($1, $2, nullif($3, ''), nullif($4, ''), "
    " nullif($5, ''), nullif($6, ''), $7, $8, $9, now(), 'OPEN')";

// Item $1 in transit under handoff $2: no custodian, no place.
constexpr char kPutInTransit[] =
    "UPDATE cellchain_custody.items "
    "SET state = 'in_transit', custodian = NULL, "
    "location_id = NULL, at_position = false, "
    "open_handoff_id = $2, version = version + 1 "
    "WHERE item_id = $1";

// Handoff $1 accepted by $2 with condition $3 and seal $4 at receipt.
constexpr char kAcceptHandoff[] =
    "UPDATE cellchain_custody.handoffs "
    "SET status = 'ACCEPTED', accepted_by = $2, "
    "condition_at_receipt = $3, seal_intact_at_receipt = $4, "
    "closed_at = now() "
    "WHERE handoff_id = $1";

constexpr char kCancelHandoff[] =
    "UPDATE cellchain_custody.handoffs "
    "SET status = 'CANCELLED', closed_at = now() "
    "WHERE handoff_id = $1";

// Item $1 out of transit, with custodian $2 and place $3 (either '' when
// none), at a position when $4.
constexpr char kPlaceItem[] =
    "UPDATE cellchain_custody.items "
    "SET state = 'available', open_handoff_id = NULL, "
    "custodian = nullif($2, ''), location_id = nullif($3, ''), "
    "at_position = $4, version = version + 1 "
    "WHERE item_id = $1";

// Appends handoff `id`'s record of `action`, reading the handoff as it now
// is in the record's own round trip (Recorder::AppendRead); returns it.
absl::StatusOr<v1::Handoff> RecordHandoff(ledger::Recorder& audit,
                                          std::string action,
                                          const std::string& id,
                                          std::string reason = "") {
  v1::Handoff handoff;
  const pg::Statement read = HandoffRead(id);
  CC_RETURN_IF_ERROR(
      audit
          .AppendRead(std::move(action), "handoff", id, {&read, 1},
                      [&](std::span<pg::Result> results,
                          ledger::Event& event) -> absl::Status {
                        CC_ASSIGN_OR_RETURN(handoff,
                                            HandoffFromRead(results[0], id));
                        event.after_state = &handoff;
                        return absl::OkStatus();
                      },
                      std::move(reason))
          .status());
  return handoff;
}

}  // namespace

absl::StatusOr<v1::InitiateHandoffResponse> Custody::InitiateHandoff(
    const auth::Principal& caller, const v1::InitiateHandoffRequest& request) {
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  if (request.to_user_id().empty() && request.to_location_id().empty()) {
    return InvalidField("to_user_id",
                        "hand over to a person, a location, or both");
  }
  if (!request.to_user_id().empty() && !IsUserId(request.to_user_id())) {
    return InvalidField("to_user_id", "not a user id");
  }
  if (!request.carrier_user_id().empty() &&
      !IsUserId(request.carrier_user_id())) {
    return InvalidField("carrier_user_id", "not a user id");
  }
  CC_RETURN_IF_ERROR(OptionalText(request.condition(), "condition"));
  std::string carrier = request.carrier_user_id().empty()
                            ? caller.user_id
                            : request.carrier_user_id();
  return ledger::RecordOnce<v1::InitiateHandoffResponse>(
      *pool_, *ledger_,
      {kServiceName, "InitiateHandoff", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::InitiateHandoffResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(LockedItem item, LockItem(tx, request.item_id()));
        CC_RETURN_IF_ERROR(RequireNotEnded(item));
        CC_RETURN_IF_ERROR(RequireAuditedItem(tx, item.item_id));
        CC_RETURN_IF_ERROR(CheckHandOver(item, caller.user_id));
        if (!request.to_location_id().empty()) {
          CC_RETURN_IF_ERROR(
              LoadLocation(tx, request.to_location_id(), "to_location_id")
                  .status());
        }
        std::string handoff_id = crypto::RandomId("hnd");
        // Both writes deferred: they travel with the handoff's record (its
        // lock, head and read: one round trip), and a failure of either is
        // that round trip's.
        tx.Defer({kInsertHandoff,
                  {handoff_id, item.item_id, item.custodian, item.location_id,
                   request.to_user_id(), request.to_location_id(), carrier,
                   request.condition(), request.seal_intact()}});
        tx.Defer({kPutInTransit, {item.item_id, handoff_id}});
        CC_ASSIGN_OR_RETURN(
            v1::Handoff handoff,
            RecordHandoff(audit, "handoff.initiate", handoff_id));
        CC_ASSIGN_OR_RETURN(
            auto appended,
            RecordItem(audit, "item.handoff_initiate", item.item_id));
        *response.mutable_handoff() = std::move(handoff);
        *response.mutable_item() = std::move(appended.item);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::AcceptHandoffResponse> Custody::AcceptHandoff(
    const auth::Principal& caller, const v1::AcceptHandoffRequest& request) {
  if (request.handoff_id().empty()) {
    return InvalidField("handoff_id", "required");
  }
  if (fields::Blank(request.scan())) {
    return InvalidField("scan", "scan the item's label to accept it");
  }
  CC_RETURN_IF_ERROR(OptionalText(request.condition(), "condition"));
  absl::StatusOr<v1::AcceptHandoffResponse> result =
      ledger::RecordOnce<v1::AcceptHandoffResponse>(
          *pool_, *ledger_,
          {kServiceName, "AcceptHandoff", auth::ActorOf(caller)}, request,
          [&](ledger::Recorder& audit,
              v1::AcceptHandoffResponse& response) -> absl::Status {
            pg::Transaction& tx = audit.tx();
            CC_ASSIGN_OR_RETURN(
                v1::Handoff handoff,
                LoadHandoff(tx, request.handoff_id(), /*for_update=*/true));
            CC_RETURN_IF_ERROR(CheckAccept(handoff, caller.user_id));
            LockItemLater(tx, handoff.item_id());  // taken with the read
            CC_ASSIGN_OR_RETURN(v1::Item item,
                                LoadAuditedItem(tx, handoff.item_id()));
            if (!ScanMatches(item, request.scan())) {
              return FailedRule(
                  kReasonScanMismatch,
                  absl::StrCat("the scanned label is not item ", item.item_id(),
                               " of handoff ", handoff.handoff_id()));
            }
            bool at_position = false;
            if (!handoff.to_location_id().empty()) {
              CC_ASSIGN_OR_RETURN(
                  at_position,
                  ClaimPlace(tx, handoff.to_location_id(), "to_location_id"));
            }
            // Deferred, as InitiateHandoff's writes: they travel with the
            // next statement (the hold's, or the handoff's read).
            tx.Defer({kAcceptHandoff,
                      {handoff.handoff_id(), caller.user_id,
                       request.condition(), request.seal_intact()}});
            // To a person: they are the custodian. To a place only: the
            // place is.
            tx.Defer({kPlaceItem, {handoff.item_id(), handoff.to_user_id(),
                                   handoff.to_location_id(), at_position}});
            std::optional<std::string> hold_id;
            if (!request.seal_intact()) {
              CC_ASSIGN_OR_RETURN(
                  hold_id,
                  InsertHold(tx, handoff.item_id(),
                             absl::StrCat("seal not intact at receipt of "
                                          "handoff ",
                                          handoff.handoff_id()),
                             caller.user_id, ""));
            }
            CC_ASSIGN_OR_RETURN(
                handoff,
                RecordHandoff(audit, "handoff.accept", handoff.handoff_id()));
            if (hold_id.has_value()) {
              CC_ASSIGN_OR_RETURN(v1::Hold hold, LoadHold(tx, *hold_id));
              CC_RETURN_IF_ERROR(audit
                                     .Append("hold.place", "hold", *hold_id,
                                             hold, hold.reason())
                                     .status());
            }
            CC_ASSIGN_OR_RETURN(
                auto appended,
                RecordItem(audit, "item.handoff_accept", handoff.item_id()));
            *response.mutable_handoff() = std::move(handoff);
            *response.mutable_item() = std::move(appended.item);
            return absl::OkStatus();
          });
  if (!result.ok() && ReasonOf(result.status()) == kReasonScanMismatch) {
    // The refusal of a safety gate is audited, in its own transaction
    // (the refused change itself wrote nothing).
    absl::Status audited =
        pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
          CC_ASSIGN_OR_RETURN(v1::Handoff handoff,
                              LoadHandoff(tx, request.handoff_id()));
          ledger::Recorder audit(tx, *ledger_, auth::ActorOf(caller),
                                 request.context().request_id());
          return audit
              .Append("handoff.accept_refused", "handoff", handoff.handoff_id(),
                      handoff,
                      absl::StrCat(kReasonScanMismatch, ": scanned \"",
                                   request.scan().substr(0, 200), "\""))
              .status();
        });
    if (!audited.ok()) return audited;
  }
  return result;
}

absl::StatusOr<v1::CancelHandoffResponse> Custody::CancelHandoff(
    const auth::Principal& caller, const v1::CancelHandoffRequest& request) {
  if (request.handoff_id().empty()) {
    return InvalidField("handoff_id", "required");
  }
  return ledger::RecordOnce<v1::CancelHandoffResponse>(
      *pool_, *ledger_, {kServiceName, "CancelHandoff", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::CancelHandoffResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(
            v1::Handoff handoff,
            LoadHandoff(tx, request.handoff_id(), /*for_update=*/true));
        CC_RETURN_IF_ERROR(CheckCancel(handoff, caller.user_id));
        CC_RETURN_IF_ERROR(LockItem(tx, handoff.item_id()).status());
        // Back where it came from; a position taken meanwhile is not
        // reclaimed (the item stays with the person who cancels).
        std::string location = handoff.from_location_id();
        bool at_position = false;
        if (!location.empty()) {
          absl::StatusOr<bool> place =
              ClaimPlace(tx, location, "from_location_id");
          if (place.ok()) {
            at_position = *place;
          } else if (ReasonOf(place.status()) == kReasonPositionOccupied) {
            location.clear();
          } else {
            return place.status();
          }
        }
        std::string custodian = handoff.from_user_id();
        if (custodian.empty() && location.empty()) custodian = caller.user_id;
        CC_RETURN_IF_ERROR(
            tx.Exec(kCancelHandoff, {handoff.handoff_id()}).status());
        CC_RETURN_IF_ERROR(tx.Exec(kPlaceItem, {handoff.item_id(), custodian,
                                                location, at_position})
                               .status());
        CC_ASSIGN_OR_RETURN(
            handoff, RecordHandoff(audit, "handoff.cancel",
                                   handoff.handoff_id(),
                                   request.context().reason()));
        CC_ASSIGN_OR_RETURN(
            auto appended,
            RecordItem(audit, "item.handoff_cancel", handoff.item_id()));
        *response.mutable_handoff() = std::move(handoff);
        *response.mutable_item() = std::move(appended.item);
        return absl::OkStatus();
      });
}

}  // namespace cellchain::custody
