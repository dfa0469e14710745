// Custody's trace (TraceForward, TraceBackward): the derivation graph
// walked from an item in one REPEATABLE READ, read-only snapshot
// (store.h WalkLinks), the tree and its summary built by graph.h
// BuildTrace, then the QC samples and the operators read for it.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"
#include "services/custody/custody.h"
#include "services/custody/graph.h"
#include "services/custody/store.h"

namespace cellchain::custody {
namespace {

// The children linked by kind $2 (SAMPLE) to the items $1 (IdIn).
std::string SelectDrawnChildren(const std::vector<std::string>& parents) {
  return absl::StrCat(
      "SELECT DISTINCT child_id FROM cellchain_custody.item_links WHERE ",
      IdIn("parent_id", 1, parents), " AND kind = $2 ORDER BY 1");
}

// Everyone who is the actor of a record of the items $1 (IdIn).
std::string SelectOperators(const std::vector<std::string>& items) {
  return absl::StrCat(
      "SELECT DISTINCT actor_user_id FROM cellchain_audit.records "
      "WHERE entity_type = 'item' AND ",
      IdIn("entity_id", 1, items), " ORDER BY 1");
}

}  // namespace

absl::StatusOr<v1::TraceResponse> Custody::TraceForward(
    const v1::TraceRequest& request) {
  return Trace(request, /*forward=*/true);
}

absl::StatusOr<v1::TraceResponse> Custody::TraceBackward(
    const v1::TraceRequest& request) {
  return Trace(request, /*forward=*/false);
}

absl::StatusOr<v1::TraceResponse> Custody::Trace(
    const v1::TraceRequest& request, bool forward) {
  if (request.item_id().empty()) return InvalidField("item_id", "required");
  v1::TraceResponse response;
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(pg::Transaction tx,
                      pg::Transaction::Begin(
                          *lease, {.isolation = pg::Isolation::kRepeatableRead,
                                   .read_only = true}));
  CC_ASSIGN_OR_RETURN(Reach reach, WalkLinks(tx, request.item_id(), forward));
  CC_ASSIGN_OR_RETURN(auto items, LoadItems(tx, reach.nodes));
  if (!items.contains(request.item_id())) {
    return ItemNotFound(request.item_id(), "item_id");
  }
  TraceLookups lookups =
      BuildTrace(request.item_id(), reach, items, forward, response);
  std::vector<std::string>& samples = lookups.samples;
  // Nothing to ask when no item of the path is sampled (a reagent lot's
  // trace): no round trip.
  if (!forward && !lookups.sampled.empty()) {
    CC_ASSIGN_OR_RETURN(
        pg::Result drawn,
        tx.Exec(SelectDrawnChildren(lookups.sampled),
                {IdsParam(lookups.sampled),
                 static_cast<int>(v1::DERIVATION_KIND_SAMPLE)}));
    for (int row = 0; row < drawn.rows(); ++row) {
      CC_ASSIGN_OR_RETURN(std::string id, drawn.GetString(row, 0));
      samples.push_back(std::move(id));
    }
  }
  std::vector<std::string> worked_on = lookups.items;
  for (const std::string& id : samples) {
    response.add_qc_sample_ids(id);
    if (!forward) worked_on.push_back(id);
  }
  // Everyone who recorded a change of an item on the path or of a sample
  // tested for it.
  CC_ASSIGN_OR_RETURN(
      pg::Result operators,
      tx.Exec(SelectOperators(worked_on), {IdsParam(worked_on)}));
  for (int row = 0; row < operators.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string id, operators.GetString(row, 0));
    response.add_operator_user_ids(id);
  }
  CC_RETURN_IF_ERROR(tx.Commit());
  return response;
}

}  // namespace cellchain::custody
