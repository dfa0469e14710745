// Samples: a custody QC_SAMPLE item derived (SAMPLE) from the product lot,
// registered before the sample's transaction under a request id derived
// from the caller's, and discarded again when the transaction refuses.
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/auth/principal.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/custody/reasons.h"
#include "services/ledger/record_once.h"
#include "services/qc/qc.h"
#include "services/qc/qc_internal.h"
#include "services/qc/store.h"

namespace cellchain::qc {
namespace {

// $1 id, $2 lot, $3 custody item, $4 test codes (text[]), $5 description,
// $6 drawn by, $7 drawn at (µs since the epoch).
std::string InsertSample() {
  return absl::StrCat(
      "INSERT INTO cellchain_qc.samples (sample_id, lot_id, item_id, "
      "test_codes, description, drawn_by, drawn_at, created_at) "
      "VALUES ($1, $2, $3, $4::text[], $5, $6, ",
      fields::TimestampParam(7), ", clock_timestamp())");
}

}  // namespace

absl::StatusOr<v1::DrawSampleResponse> Qc::DrawSample(
    const P& caller, const v1::DrawSampleRequest& request) {
  if (request.lot_id().empty()) return InvalidField("lot_id", "required");
  if (request.test_codes().empty()) {
    return InvalidField("test_codes", "at least one test of the specification");
  }
  CC_RETURN_IF_ERROR(fields::RequireText(request.description(), "description"));
  CC_RETURN_IF_ERROR(fields::RequirePastTime(
      request.drawn_at(), request.has_drawn_at(), "drawn_at", clock_->Now()));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  v1::Lot lot;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(lot, LoadLot(*lease, request.lot_id()));
    CC_ASSIGN_OR_RETURN(v1::Specification spec,
                        LoadSpec(*lease, lot.specification_id()));
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < request.test_codes_size(); ++i) {
      const std::string& code = request.test_codes(i);
      if (FindTest(spec, code) == nullptr) {
        return InvalidField(
            absl::StrCat("test_codes[", i, "]"),
            absl::StrCat("\"", code, "\" is not a test of specification ",
                         spec.name(), " version ", spec.version()));
      }
      if (!seen.insert(code).second) {
        return InvalidField(absl::StrCat("test_codes[", i, "]"),
                            absl::StrCat("\"", code, "\" appears twice"));
      }
    }
  }
  // The sample's custody item, under an id a retry gets again.
  custody::v1::RegisterItemRequest item_request;
  item_request.mutable_context()->set_request_id(
      idempotency::DerivedRequestId(request_id, "sample"));
  item_request.set_type(custody::v1::ITEM_TYPE_QC_SAMPLE);
  // A local code, not the lot's DIN: custody identifies an item by its DIN
  // and product code, which the product lot already holds, and a lot has
  // many samples.
  item_request.set_local_code(absl::StrCat(
      "QCS-",
      idempotency::DerivedRequestId(request_id, "sample/code").substr(0, 24)));
  item_request.set_description(
      absl::StrCat("QC sample for ", absl::StrJoin(request.test_codes(), ", "),
                   ": ", request.description())
          .substr(0, fields::kMaxText));
  item_request.set_location_id(request.location_id());
  custody::v1::ParentLink* parent = item_request.add_parents();
  parent->set_parent_item_id(lot.product_item_id());
  parent->set_kind(custody::v1::DERIVATION_KIND_SAMPLE);
  CC_ASSIGN_OR_RETURN(custody::v1::RegisterItemResponse item,
                      custody_->RegisterItem(caller, item_request));
  if (item.item().state() == custody::v1::ITEM_STATE_DISCARDED) {
    return FailedRule(kReasonRequestRefusedBefore,
                      absl::StrCat("request ", request_id,
                                   " was refused before and its sample's "
                                   "custody item discarded: draw the sample "
                                   "again with a new request id"));
  }
  absl::StatusOr<v1::DrawSampleResponse> drawn =
      ledger::RecordOnce<v1::DrawSampleResponse>(
          *pool_, *ledger_, {kServiceName, "DrawSample", auth::ActorOf(caller)},
          request,
          [&](ledger::Recorder& audit,
              v1::DrawSampleResponse& response) -> absl::Status {
            pg::Transaction& tx = audit.tx();
            CC_ASSIGN_OR_RETURN(v1::Lot locked,
                                LoadLot(tx, lot.lot_id(), /*for_update=*/true));
            if (locked.state() == v1::LOT_STATE_RELEASED ||
                locked.state() == v1::LOT_STATE_REJECTED) {
              return FailedRule(
                  kReasonLotState,
                  absl::StrCat("lot ", locked.lot_id(), " is ",
                               StateWord(locked.state()),
                               ": no sample is drawn for testing"));
            }
            const std::string id = crypto::RandomId("smp");
            std::vector<std::string> codes(request.test_codes().begin(),
                                           request.test_codes().end());
            CC_RETURN_IF_ERROR(
                tx.Exec(InsertSample(),
                        {id, locked.lot_id(), item.item().item_id(),
                         pg::TextArray(codes), request.description(),
                         caller.user_id, fields::Micros(request.drawn_at())})
                    .status());
            CC_ASSIGN_OR_RETURN(*response.mutable_sample(), LoadSample(tx, id));
            return audit
                .Append("sample.draw", "qc_sample", id, response.sample(), "",
                        {DinOf(locked)})
                .status();
          });
  if (drawn.status().code() == absl::StatusCode::kFailedPrecondition) {
    // No sample was recorded: its container is not left as a live item.
    custody::v1::EndItemRequest end;
    end.mutable_context()->set_request_id(
        idempotency::DerivedRequestId(request_id, "discard"));
    end.mutable_context()->set_reason("sample refused by qc");
    end.set_item_id(item.item().item_id());
    end.set_outcome(custody::v1::ITEM_STATE_DISCARDED);
    absl::StatusOr<custody::v1::EndItemResponse> ended =
        custody_->EndItem(caller, end);
    if (!ended.ok() && ReasonOf(ended.status()) != custody::kReasonItemEnded) {
      return Annotate(
          drawn.status(),
          absl::StrCat("and its custody item ", item.item().item_id(),
                       " could not be discarded: ", ended.status().message()));
    }
  }
  return drawn;
}

}  // namespace cellchain::qc
