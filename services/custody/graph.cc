#include "services/custody/graph.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "services/common/status/status.h"

namespace cellchain::custody {
namespace {

using Items = absl::flat_hash_map<std::string, v1::Item>;

const v1::Item& ItemOf(const Items& items, const std::string& id) {
  static const v1::Item* const kNone = new v1::Item();
  auto it = items.find(id);
  return it == items.end() ? *kNone : it->second;
}

// Adds `id`'s subtree below `node`; an item in `shown` already is marked.
void AddSubtree(const std::string& id, const Reach& reach, const Items& items,
                absl::flat_hash_set<std::string>& shown, v1::TraceNode& node) {
  *node.mutable_item() = ItemOf(items, id);
  if (!shown.insert(id).second) {
    node.set_shown_above(true);
    return;
  }
  auto it = reach.next.find(id);
  if (it == reach.next.end()) return;
  for (const Edge& edge : it->second) {
    v1::TraceNode* child = node.add_children();
    child->set_kind(edge.kind);
    child->set_record_id(edge.record_id);
    AddSubtree(edge.to, reach, items, shown, *child);
  }
}

}  // namespace

absl::StatusOr<Reach> Walk(const std::string& root, LinksOf links) {
  Reach reach;
  reach.nodes.push_back(root);
  absl::flat_hash_set<std::string> seen = {root};
  std::vector<std::string> frontier = {root};
  while (!frontier.empty()) {
    CC_ASSIGN_OR_RETURN(std::vector<Link> level, links(frontier));
    frontier.clear();
    for (Link& link : level) {
      if (seen.insert(link.edge.to).second) {
        reach.nodes.push_back(link.edge.to);
        frontier.push_back(link.edge.to);
      }
      reach.next[link.from].push_back(std::move(link.edge));
    }
  }
  return reach;
}

TraceLookups BuildTrace(const std::string& root, const Reach& reach,
                        const Items& items, bool forward,
                        v1::TraceResponse& response) {
  absl::flat_hash_set<std::string> shown;
  AddSubtree(root, reach, items, shown, *response.mutable_root());
  response.set_item_count(static_cast<int>(reach.nodes.size()));

  TraceLookups lookups;
  lookups.items = reach.nodes;
  std::sort(lookups.items.begin(), lookups.items.end());
  for (const std::string& id : lookups.items) {
    const v1::Item& item = ItemOf(items, id);
    switch (item.type()) {
      case v1::ITEM_TYPE_DONOR_LOT:
        response.add_donor_lot_ids(id);
        break;
      case v1::ITEM_TYPE_REAGENT_LOT:
        response.add_reagent_lot_ids(id);
        break;
      case v1::ITEM_TYPE_EQUIPMENT:
        response.add_equipment_ids(id);
        break;
      default:
        break;
    }
    if (!item.patient_id().empty()) {
      v1::PatientReached* patient = response.add_patients();
      patient->set_patient_id(item.patient_id());
      patient->set_item_id(id);
      patient->set_state(item.state());
    }
    // SAMPLE links only QC samples (CheckKindFits), so the samples of a
    // path are found among its own items' links.
    if (forward && item.type() == v1::ITEM_TYPE_QC_SAMPLE) {
      lookups.samples.push_back(id);
    }
    if (!forward && item.type() != v1::ITEM_TYPE_REAGENT_LOT &&
        item.type() != v1::ITEM_TYPE_EQUIPMENT) {
      lookups.sampled.push_back(id);
    }
  }
  return lookups;
}

}  // namespace cellchain::custody
