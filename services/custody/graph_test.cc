// The derivation graph's walk and the trace built from it (graph.h), over
// a graph held in memory: no database.
#include "services/custody/graph.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"

namespace cellchain::custody {
namespace {

// Two donor lots pooled into one vessel, fed by a reagent lot; the vessel
// split into two vials, one sampled; a dose for RH-017 from vial A.
//
//   lot1 ─┐
//   lot2 ─┼─ POOL ─ vessel ─┬─ SPLIT ─ vialA ─ THAW ─ dose (RH-017)
//   medium┘ (MATERIAL)      ├─ SPLIT ─ vialB
//                           └─ SAMPLE ─ qc
struct ParentLinkRow {
  std::string child;
  std::string parent;
  v1::DerivationKind kind;
};
const std::vector<ParentLinkRow>& Links() {
  static const auto* const kLinks = new std::vector<ParentLinkRow>{
      {"vessel", "lot1", v1::DERIVATION_KIND_POOL},
      {"vessel", "lot2", v1::DERIVATION_KIND_POOL},
      {"vessel", "medium", v1::DERIVATION_KIND_MATERIAL},
      {"vialA", "vessel", v1::DERIVATION_KIND_SPLIT},
      {"vialB", "vessel", v1::DERIVATION_KIND_SPLIT},
      {"qc", "vessel", v1::DERIVATION_KIND_SAMPLE},
      {"dose", "vialA", v1::DERIVATION_KIND_THAW},
  };
  return *kLinks;
}

// What store.h WalkLinks reads of a level: the links out of the frontier,
// ordered by the item walked from, then the item reached.
absl::StatusOr<std::vector<Link>> LevelOf(
    const std::vector<std::string>& frontier, bool forward, int* lookups) {
  ++*lookups;
  std::map<std::pair<std::string, std::string>, Link> ordered;
  for (const ParentLinkRow& row : Links()) {
    const std::string& from = forward ? row.parent : row.child;
    const std::string& to = forward ? row.child : row.parent;
    for (const std::string& id : frontier) {
      if (id != from) continue;
      ordered[{from, to}] = Link{from, Edge{to, row.kind, "rec_" + row.child}};
    }
  }
  std::vector<Link> level;
  for (auto& [key, link] : ordered) level.push_back(link);
  return level;
}

absl::flat_hash_map<std::string, v1::Item> Items() {
  absl::flat_hash_map<std::string, v1::Item> items;
  auto add = [&](const std::string& id, v1::ItemType type,
                 const std::string& patient = "") {
    v1::Item& item = items[id];
    item.set_item_id(id);
    item.set_type(type);
    item.set_patient_id(patient);
    item.set_state(v1::ITEM_STATE_AVAILABLE);
  };
  add("lot1", v1::ITEM_TYPE_DONOR_LOT);
  add("lot2", v1::ITEM_TYPE_DONOR_LOT);
  add("medium", v1::ITEM_TYPE_REAGENT_LOT);
  add("vessel", v1::ITEM_TYPE_CULTURE_VESSEL);
  add("vialA", v1::ITEM_TYPE_CRYOVIAL);
  add("vialB", v1::ITEM_TYPE_CRYOVIAL);
  add("qc", v1::ITEM_TYPE_QC_SAMPLE);
  add("dose", v1::ITEM_TYPE_DOSE_BAG, "RH-017");
  return items;
}

TEST(GraphTest, AWalkReachesEveryItemOnceLevelByLevel) {
  int lookups = 0;
  CC_ASSERT_OK_AND_ASSIGN(Reach forward,
                          Walk("lot1", [&](const std::vector<std::string>& f) {
                            return LevelOf(f, /*forward=*/true, &lookups);
                          }));
  EXPECT_EQ(forward.nodes,
            (std::vector<std::string>{"lot1", "vessel", "qc", "vialA", "vialB",
                                      "dose"}));
  // One lookup per level; the last finds nothing below the dose.
  EXPECT_EQ(lookups, 4);

  lookups = 0;
  CC_ASSERT_OK_AND_ASSIGN(Reach backward,
                          Walk("dose", [&](const std::vector<std::string>& f) {
                            return LevelOf(f, /*forward=*/false, &lookups);
                          }));
  EXPECT_EQ(backward.nodes,
            (std::vector<std::string>{"dose", "vialA", "vessel", "lot1", "lot2",
                                      "medium"}));
  ASSERT_EQ(backward.next.at("vessel").size(), 3u);
  EXPECT_EQ(backward.next.at("vessel")[2].to, "medium");
  EXPECT_EQ(backward.next.at("vessel")[2].kind, v1::DERIVATION_KIND_MATERIAL);
  EXPECT_EQ(backward.next.at("vessel")[2].record_id, "rec_vessel");

  absl::Status broken = absl::UnavailableError("connection lost");
  EXPECT_EQ(Walk("dose",
                 [&](const std::vector<std::string>&)
                     -> absl::StatusOr<std::vector<Link>> { return broken; })
                .status(),
            broken);
}

TEST(GraphTest, ATraceShowsAnItemReachedTwiceOnceAndSummarises) {
  int lookups = 0;
  // From the reagent lot and a donor lot at once: a pool reached by two
  // paths is shown where it appears first.
  Reach reach;
  reach.nodes = {"medium", "vessel", "vialA", "dose"};
  reach.next["medium"] = {Edge{"vessel", v1::DERIVATION_KIND_MATERIAL, "r1"},
                          Edge{"vialA", v1::DERIVATION_KIND_SPLIT, "r2"}};
  reach.next["vessel"] = {Edge{"vialA", v1::DERIVATION_KIND_SPLIT, "r3"}};
  reach.next["vialA"] = {Edge{"dose", v1::DERIVATION_KIND_THAW, "r4"}};
  v1::TraceResponse response;
  TraceLookups lookups_of_tree =
      BuildTrace("medium", reach, Items(), /*forward=*/true, response);
  EXPECT_EQ(response.item_count(), 4);
  const v1::TraceNode& root = response.root();
  EXPECT_EQ(root.item().item_id(), "medium");
  ASSERT_EQ(root.children_size(), 2);
  const v1::TraceNode& vessel = root.children(0);
  EXPECT_EQ(vessel.kind(), v1::DERIVATION_KIND_MATERIAL);
  EXPECT_EQ(vessel.record_id(), "r1");
  ASSERT_EQ(vessel.children_size(), 1);
  EXPECT_EQ(vessel.children(0).children(0).item().item_id(), "dose");
  const v1::TraceNode& again = root.children(1);
  EXPECT_EQ(again.item().item_id(), "vialA");
  EXPECT_TRUE(again.shown_above());
  EXPECT_EQ(again.children_size(), 0);
  EXPECT_EQ(response.reagent_lot_ids_size(), 1);
  ASSERT_EQ(response.patients_size(), 1);
  EXPECT_EQ(response.patients(0).patient_id(), "RH-017");
  EXPECT_EQ(response.patients(0).item_id(), "dose");
  EXPECT_EQ(lookups_of_tree.items,
            (std::vector<std::string>{"dose", "medium", "vessel", "vialA"}));
  EXPECT_TRUE(lookups_of_tree.samples.empty());
  EXPECT_TRUE(lookups_of_tree.sampled.empty());

  // Backward from the dose: the samples drawn from its path are looked up,
  // not those of the reagent lot.
  CC_ASSERT_OK_AND_ASSIGN(Reach back,
                          Walk("dose", [&](const std::vector<std::string>& f) {
                            return LevelOf(f, /*forward=*/false, &lookups);
                          }));
  v1::TraceResponse traced;
  TraceLookups backward =
      BuildTrace("dose", back, Items(), /*forward=*/false, traced);
  EXPECT_EQ(traced.donor_lot_ids_size(), 2);
  EXPECT_EQ(traced.reagent_lot_ids(0), "medium");
  EXPECT_EQ(backward.sampled, (std::vector<std::string>{"dose", "lot1", "lot2",
                                                        "vessel", "vialA"}));
  // Forward from the vessel: the QC sample is in the tree.
  CC_ASSERT_OK_AND_ASSIGN(
      Reach down, Walk("vessel", [&](const std::vector<std::string>& f) {
        return LevelOf(f, /*forward=*/true, &lookups);
      }));
  v1::TraceResponse forward;
  EXPECT_EQ(BuildTrace("vessel", down, Items(), true, forward).samples,
            (std::vector<std::string>{"qc"}));
  EXPECT_EQ(forward.item_count(), 5);
}

}  // namespace
}  // namespace cellchain::custody
