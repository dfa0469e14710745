// The derivation graph as custody walks it, with no database: what is
// reachable from an item forward (parent to child) or backward (child to
// parent), walked one level at a time through a function that reads a
// level's links (store.h WalkLinks gives it the table), and the trace a
// person sees of what was reached (TraceForward, TraceBackward).
//
// Walked one level per lookup rather than by a recursive query: the
// planner cannot estimate a graph whose shared reagent lots and equipment
// have thousands of children, and a wrong guess (a hash join over every
// link) costs hundreds of times more than an index lookup per level.
//
// Thread-safety: pure functions over values; Walk calls `links` on the
// calling thread only.
#ifndef CELLCHAIN_SERVICES_CUSTODY_GRAPH_H_
#define CELLCHAIN_SERVICES_CUSTODY_GRAPH_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "cellchain/custody/v1/custody.pb.h"

namespace cellchain::custody {

// A link away from the item walked from, to `to`.
struct Edge {
  std::string to;
  v1::DerivationKind kind = v1::DERIVATION_KIND_UNSPECIFIED;
  std::string record_id;  // the record that made the link; "" if none yet
};

// One link of a level: from an item of the level, `edge`.
struct Link {
  std::string from;
  Edge edge;
};

// What is reachable from a root.
struct Reach {
  std::vector<std::string> nodes;  // the root first, then level by level
  // Each node's edges away from the root, in the order `links` gave them.
  absl::flat_hash_map<std::string, std::vector<Edge>> next;
};

// The items reachable from `root`, breadth first. `links(frontier)` returns
// the links out of the frontier's items in the direction walked (in the
// order a trace shows them: by item, then by the item reached); each item
// is walked from once, however many links reach it. Errors: those of
// `links`.
using LinksOf = absl::FunctionRef<absl::StatusOr<std::vector<Link>>(
    const std::vector<std::string>& frontier)>;
absl::StatusOr<Reach> Walk(const std::string& root, LinksOf links);

// What a trace still reads after its tree is built: every item of the
// tree, sorted; forward, the QC samples among them; backward, the items
// whose drawn QC samples are looked up (all but reagent lots and
// equipment, which feed thousands of items of other lots).
struct TraceLookups {
  std::vector<std::string> items;
  std::vector<std::string> samples;
  std::vector<std::string> sampled;
};

// Fills `response` with the trace of `reach` from `root`: the tree, depth
// first, an item reached again marked shown_above without its children;
// item_count; the donor lot, reagent lot and equipment ids; the patients
// reached. `items` holds the items of reach.nodes by id (a missing one is
// shown empty). qc_sample_ids and operator_user_ids are left to the caller,
// which reads them with what this returns.
TraceLookups BuildTrace(const std::string& root, const Reach& reach,
                        const absl::flat_hash_map<std::string, v1::Item>& items,
                        bool forward, v1::TraceResponse& response);

}  // namespace cellchain::custody

#endif  // CELLCHAIN_SERVICES_CUSTODY_GRAPH_H_
