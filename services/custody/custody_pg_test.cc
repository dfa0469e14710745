// The custody rules against a real PostgreSQL, with the real identity
// service behind QA's e-signatures: the chain of identity and its trace,
// DIN allocation under concurrency, positions, cycles, handoffs and scans,
// concurrent handoffs, temperatures, holds and their signed release, the
// recall cascade, idempotency — and that every entity's latest signed
// snapshot is what its state reader reads back.
#include <google/protobuf/util/time_util.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cellchain/audit/v1/record.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/crypto.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/custody/custody_test_fixture.h"
#include "services/isbt128/data_structures.h"
#include "services/isbt128/din.h"
#include "services/isbt128/scan.h"
#include "services/ledger/entity_guard.h"

// The fixture (the people, the requests, the services) is in
// custody_test_fixture.h.
namespace cellchain::custody {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kQaPassword;
using ::testing::UnorderedElementsAre;

TEST_F(CustodyTest, DinsAreUniqueUnderConcurrencyAndNeverReused) {
  constexpr int kThreads = 6;
  constexpr int kEach = 10;
  std::vector<std::string> dins[kThreads];
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        v1::AllocateDinRequest request;
        *request.mutable_context() = Ctx();
        request.set_fin("A9999");
        auto response = custody_->AllocateDin(tech_, request);
        ASSERT_TRUE(response.ok()) << response.status();
        dins[t].push_back(response->allocation().din());
        // What a label carries parses back to the same DIN, Type 3 flags
        // included.
        auto parsed =
            isbt128::ParseDonationIdentification(response->data_structure());
        ASSERT_TRUE(parsed.ok()) << parsed.status();
        EXPECT_EQ(parsed->din.ToString(), response->allocation().din());
        EXPECT_EQ(parsed->flag_type, isbt128::FlagType::kType3);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<int> sequences;
  for (const auto& list : dins) {
    for (const std::string& din : list) {
      auto parsed = isbt128::Din::Parse(din);
      ASSERT_TRUE(parsed.ok());
      sequences.insert(parsed->sequence());
    }
  }
  // 60 allocations, 60 different numbers, 1..60 with no gap.
  ASSERT_EQ(sequences.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(*sequences.begin(), 1);
  EXPECT_EQ(*sequences.rbegin(), kThreads * kEach);
  EXPECT_EQ(
      Count("SELECT count(*) FROM cellchain_audit.records "
            "WHERE action = 'din_allocation.allocate' AND din IS NOT NULL"),
      kThreads * kEach);
  // A retry of the same request gets the same DIN back, not a new one.
  v1::AllocateDinRequest again;
  *again.mutable_context() = Ctx();
  again.set_fin("A9999");
  CC_ASSERT_OK_AND_ASSIGN(auto first, custody_->AllocateDin(tech_, again));
  CC_ASSERT_OK_AND_ASSIGN(auto retry, custody_->AllocateDin(tech_, again));
  EXPECT_EQ(first.allocation().din(), retry.allocation().din());
  const int allocated_year = first.allocation().year();
  // This facility's DINs come from allocation only.
  v1::RegisterItemRequest lot;
  *lot.mutable_context() = Ctx();
  lot.set_type(v1::ITEM_TYPE_DONOR_LOT);
  lot.set_din(isbt128::Din::Create("A9999", allocated_year, 999)->ToString());
  EXPECT_EQ(ReasonOf(custody_->RegisterItem(tech_, lot).status()),
            kReasonDinNotAllocated);
  lot.set_din(first.data_structure());
  CC_EXPECT_OK(custody_->RegisterItem(tech_, lot).status());
  v1::AllocateDinRequest bad;
  *bad.mutable_context() = Ctx();
  bad.set_fin("O9999");  // no O in a FIN
  EXPECT_EQ(FieldOf(custody_->AllocateDin(tech_, bad).status()), "fin");
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(CustodyTest,
       BackwardTraceOfADoseFindsDonorReagentsEquipmentTestsAndOperators) {
  CC_ASSERT_OK_AND_ASSIGN(Chain c, MakeChain("A", "RH-017"));
  v1::TraceRequest request;
  request.set_item_id(c.dose.item_id());
  CC_ASSERT_OK_AND_ASSIGN(v1::TraceResponse trace,
                          custody_->TraceBackward(request));
  EXPECT_THAT(trace.donor_lot_ids(), ElementsAre(c.donor.item_id()));
  EXPECT_THAT(trace.reagent_lot_ids(),
              UnorderedElementsAre(c.medium.item_id(), c.trypsin.item_id()));
  EXPECT_THAT(trace.equipment_ids(), ElementsAre(c.cabinet.item_id()));
  EXPECT_THAT(trace.qc_sample_ids(), ElementsAre(c.sample.item_id()));
  EXPECT_THAT(trace.operator_user_ids(), ElementsAre("ana", "tina", "tom"));
  ASSERT_EQ(trace.patients_size(), 1);
  EXPECT_EQ(trace.patients(0).patient_id(), "RH-017");
  EXPECT_EQ(trace.item_count(), 11);  // the dose and its 10 ancestors

  // The tree runs dose <- thawed <- vial <- lot <- P1 <- {P0, trypsin}, and
  // each edge names the signed record that made the link.
  const v1::TraceNode& root = trace.root();
  EXPECT_EQ(root.item().item_id(), c.dose.item_id());
  ASSERT_EQ(root.children_size(), 1);
  const v1::TraceNode& thawed = root.children(0);
  EXPECT_EQ(thawed.item().item_id(), c.thawed.item_id());
  EXPECT_EQ(thawed.kind(), v1::DERIVATION_KIND_FORMULATION);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records "
                  "WHERE record_id = $1 AND entity_id = $2 "
                  "AND action = 'item.register'",
                  {thawed.record_id(), c.dose.item_id()}),
            1);

  // Forward from the donor lot: every item and the patient it reached.
  request.set_item_id(c.donor.item_id());
  CC_ASSERT_OK_AND_ASSIGN(v1::TraceResponse forward,
                          custody_->TraceForward(request));
  EXPECT_EQ(forward.item_count(),
            9);  // lot, tissue, P0, P1, PL, QC, vial, thaw, dose
  ASSERT_EQ(forward.patients_size(), 1);
  EXPECT_EQ(forward.patients(0).item_id(), c.dose.item_id());
  // From a reagent lot: through the vessel it fed, to the same patient.
  request.set_item_id(c.medium.item_id());
  CC_ASSERT_OK_AND_ASSIGN(v1::TraceResponse reagent,
                          custody_->TraceForward(request));
  ASSERT_EQ(reagent.patients_size(), 1);
  EXPECT_EQ(reagent.patients(0).patient_id(), "RH-017");

  request.set_item_id("itm_nope");
  EXPECT_EQ(custody_->TraceBackward(request).status().code(),
            absl::StatusCode::kNotFound);
  ExpectEverySnapshotMatchesItsRow();
}

// The issue 23 attack: an item row inserted by SQL, with no audit record,
// and a real item's row edited behind custody's back. Neither is handed
// over, ended or derived from; QA can still hold and discard them.
TEST_F(CustodyTest, AnItemWhoseRowNoSignedRecordVouchesForIsNotUsed) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Item real,
                          Register(tech_, v1::ITEM_TYPE_DONOR_LOT, "LOT-R"));
  {
    auto conn = pg::Connection::Open(db_->conninfo());
    ASSERT_TRUE(conn.ok()) << conn.status();
    CC_ASSERT_OK(conn->ExecScript(absl::StrCat(
        "CREATE TEMP TABLE forged AS SELECT * FROM cellchain_custody.items "
        "WHERE item_id = '",
        real.item_id(),
        "';"
        "UPDATE forged SET item_id = 'itm_forged', local_code = 'LOT-F';"
        "INSERT INTO cellchain_custody.items SELECT * FROM forged;")));
  }
  auto not_audited = [](const absl::Status& status, const std::string& what) {
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
    EXPECT_EQ(ReasonOf(status), ledger::kReasonEntityNotAudited) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(what)) << status;
  };
  const int64_t records_before =
      Count("SELECT count(*) FROM cellchain_audit.records");
  not_audited(Handoff(tech_, "itm_forged", "phil").status(),
              "item itm_forged has no signed audit record");
  not_audited(Register(tech_, v1::ITEM_TYPE_CULTURE_VESSEL, "V-F",
                       {{"itm_forged", v1::DERIVATION_KIND_SPLIT}})
                  .status(),
              "item itm_forged has no signed audit record");
  v1::EndItemRequest end;
  *end.mutable_context() = Ctx();
  end.set_item_id("itm_forged");
  end.set_outcome(v1::ITEM_STATE_CONSUMED);
  not_audited(custody_->EndItem(tech_, end).status(),
              "item itm_forged has no signed audit record");
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records"),
            records_before);

  // A real item whose custodian was rewritten by SQL.
  {
    auto conn = pg::Connection::Open(db_->conninfo());
    ASSERT_TRUE(conn.ok()) << conn.status();
    CC_ASSERT_OK(conn->Exec("UPDATE cellchain_custody.items SET custodian = "
                            "'phil' WHERE item_id = $1",
                            {real.item_id()})
                     .status());
  }
  not_audited(Handoff(pharmacist_, real.item_id(), "tina").status(),
              "is not what its latest signed audit record says");

  // Containment stays open: a hold on the forged item, then its discard.
  CC_EXPECT_OK(Hold("itm_forged", "no signed record: investigate").status());
  end.set_outcome(v1::ITEM_STATE_DISCARDED);
  *end.mutable_context() = Ctx("forged row, discarded");
  CC_EXPECT_OK(custody_->EndItem(tech_, end).status());
}

TEST_F(CustodyTest, APooledChildIsShownOnceAndACycleIsRefused) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Item donor,
                          Register(tech_, v1::ITEM_TYPE_DONOR_LOT, "LOT-1"));
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Item a, Register(tech_, v1::ITEM_TYPE_CULTURE_VESSEL, "V-A",
                           {{donor.item_id(), v1::DERIVATION_KIND_SPLIT}}));
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Item b, Register(tech_, v1::ITEM_TYPE_CULTURE_VESSEL, "V-B",
                           {{donor.item_id(), v1::DERIVATION_KIND_SPLIT}}));
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Item pool, Register(tech_, v1::ITEM_TYPE_CULTURE_VESSEL, "V-POOL",
                              {{a.item_id(), v1::DERIVATION_KIND_POOL},
                               {b.item_id(), v1::DERIVATION_KIND_POOL}}));
  v1::TraceRequest request;
  request.set_item_id(pool.item_id());
  CC_ASSERT_OK_AND_ASSIGN(v1::TraceResponse trace,
                          custody_->TraceBackward(request));
  EXPECT_EQ(trace.item_count(), 4);
  ASSERT_EQ(trace.root().children_size(), 2);
  // The donor lot is reached twice; its second appearance is a reference.
  int shown_above = 0;
  for (const v1::TraceNode& parent : trace.root().children()) {
    ASSERT_EQ(parent.children_size(), 1);
    shown_above += parent.children(0).shown_above() ? 1 : 0;
  }
  EXPECT_EQ(shown_above, 1);

  // Linking the pool's parent as a child of the pool would close a cycle.
  int64_t records = Records();
  v1::LinkParentRequest link;
  *link.mutable_context() = Ctx();
  link.set_item_id(a.item_id());
  link.set_parent_item_id(pool.item_id());
  link.set_kind(v1::DERIVATION_KIND_POOL);
  absl::Status cycle = custody_->LinkParent(tech_, link).status();
  EXPECT_EQ(cycle.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(cycle), kReasonDerivationCycle);
  link.set_item_id(pool.item_id());
  EXPECT_EQ(ReasonOf(custody_->LinkParent(tech_, link).status()),
            kReasonDerivationCycle);
  EXPECT_EQ(Records(), records);  // nothing written
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.item_links"), 4);

  // A link that closes no cycle is added, with its own record.
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Item c, Register(tech_, v1::ITEM_TYPE_CULTURE_VESSEL, "V-C",
                           {{donor.item_id(), v1::DERIVATION_KIND_SPLIT}}));
  link.set_item_id(pool.item_id());
  link.set_parent_item_id(c.item_id());
  CC_ASSERT_OK_AND_ASSIGN(v1::LinkParentResponse linked,
                          custody_->LinkParent(tech_, link));
  EXPECT_EQ(linked.item().parents_size(), 3);
  EXPECT_THAT(Actions("item", pool.item_id()),
              ElementsAre("item.register", "item.link_parent"));
  // SAMPLE makes a QC sample and nothing else (it is what a hold allows).
  *link.mutable_context() = Ctx();
  link.set_parent_item_id(c.item_id());
  link.set_kind(v1::DERIVATION_KIND_SAMPLE);
  EXPECT_EQ(FieldOf(custody_->LinkParent(tech_, link).status()), "kind");
  // A reagent lot linked as anything but MATERIAL is refused.
  CC_ASSERT_OK_AND_ASSIGN(v1::Item reagent,
                          Register(tech_, v1::ITEM_TYPE_REAGENT_LOT, "R-1"));
  *link.mutable_context() = Ctx();
  link.set_parent_item_id(reagent.item_id());
  link.set_kind(v1::DERIVATION_KIND_POOL);
  EXPECT_EQ(FieldOf(custody_->LinkParent(tech_, link).status()), "kind");
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(CustodyTest, APositionHoldsOneItemAndTheHierarchyIsKept) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Location site,
                          Place(v1::LOCATION_KIND_SITE, "Cell therapy unit"));
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Location freezer,
      Place(v1::LOCATION_KIND_FREEZER, "LN2-1", site.location_id()));
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Location box,
      Place(v1::LOCATION_KIND_BOX, "Box 7", freezer.location_id()));
  CC_ASSERT_OK_AND_ASSIGN(v1::Location a1, Place(v1::LOCATION_KIND_POSITION,
                                                 "A1", box.location_id()));
  CC_ASSERT_OK_AND_ASSIGN(v1::Location a2, Place(v1::LOCATION_KIND_POSITION,
                                                 "A2", box.location_id()));
  // A room inside a box, a box inside a position, a room without a site.
  EXPECT_EQ(
      ReasonOf(Place(v1::LOCATION_KIND_ROOM, "R", box.location_id()).status()),
      kReasonLocationHierarchy);
  EXPECT_EQ(
      ReasonOf(Place(v1::LOCATION_KIND_BOX, "B", a1.location_id()).status()),
      kReasonLocationHierarchy);
  EXPECT_EQ(FieldOf(Place(v1::LOCATION_KIND_ROOM, "R").status()),
            "parent_location_id");

  CC_ASSERT_OK_AND_ASSIGN(v1::Item donor,
                          Register(tech_, v1::ITEM_TYPE_DONOR_LOT, "LOT-1"));
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Item vial1,
      Register(tech_, v1::ITEM_TYPE_CRYOVIAL, "VIAL-1",
               {{donor.item_id(), v1::DERIVATION_KIND_CRYOPRESERVATION}},
               a1.location_id()));
  EXPECT_EQ(vial1.location_id(), a1.location_id());
  int64_t records = Records();
  auto second =
      Register(tech_, v1::ITEM_TYPE_CRYOVIAL, "VIAL-2",
               {{donor.item_id(), v1::DERIVATION_KIND_CRYOPRESERVATION}},
               a1.location_id());
  EXPECT_EQ(ReasonOf(second.status()), kReasonPositionOccupied);
  EXPECT_EQ(Records(), records);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.items "
                  "WHERE local_code = 'VIAL-2'"),
            0);
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Item vial2,
      Register(tech_, v1::ITEM_TYPE_CRYOVIAL, "VIAL-2",
               {{donor.item_id(), v1::DERIVATION_KIND_CRYOPRESERVATION}},
               a2.location_id()));
  // Moving vial 2 into A1 is refused at acceptance; into a free place works.
  CC_ASSERT_OK_AND_ASSIGN(
      auto moving, Handoff(tech_, vial2.item_id(), "", a1.location_id()));
  EXPECT_EQ(
      ReasonOf(Accept(tech_, moving.handoff().handoff_id(), "VIAL-2").status()),
      kReasonPositionOccupied);
  v1::ListLocationsRequest list;
  list.set_parent_location_id(box.location_id());
  CC_ASSERT_OK_AND_ASSIGN(auto listed, custody_->ListLocations(list));
  ASSERT_EQ(listed.locations_size(), 2);
  EXPECT_EQ(listed.locations(0).occupant_item_id(), vial1.item_id());
  EXPECT_EQ(listed.locations(1).occupant_item_id(), "");  // vial 2 left A2
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(CustodyTest, AHandoffIsAcceptedOnlyByScanningTheRightItem) {
  CC_ASSERT_OK_AND_ASSIGN(Chain c, MakeChain("H", "RH-021"));
  // The dose is with tina; phil cannot hand it over.
  EXPECT_EQ(Handoff(pharmacist_, c.dose.item_id(), "tom").status().code(),
            absl::StatusCode::kPermissionDenied);
  CC_ASSERT_OK_AND_ASSIGN(auto started,
                          Handoff(tech_, c.dose.item_id(), "phil"));
  const std::string handoff = started.handoff().handoff_id();
  // In transit: no custodian, only the carrier and the destination.
  EXPECT_EQ(started.item().state(), v1::ITEM_STATE_IN_TRANSIT);
  EXPECT_EQ(started.item().custodian_user_id(), "");
  EXPECT_EQ(started.handoff().carrier_user_id(), "tina");
  EXPECT_EQ(started.handoff().to_user_id(), "phil");
  // A second handoff of an item in transit is refused.
  EXPECT_EQ(ReasonOf(Handoff(tech_, c.dose.item_id(), "tom").status()),
            kReasonItemInTransit);

  // The wrong bag scanned: refused, audited, still in transit.
  absl::Status wrong = Accept(pharmacist_, handoff, "VIAL-H").status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(wrong), kReasonScanMismatch);
  EXPECT_THAT(Actions("handoff", handoff),
              ElementsAre("handoff.initiate", "handoff.accept_refused"));
  CC_ASSERT_OK_AND_ASSIGN(v1::Item still, Get(c.dose.item_id()));
  EXPECT_EQ(still.state(), v1::ITEM_STATE_IN_TRANSIT);
  // A malformed ISBT 128 scan matches nothing either.
  EXPECT_EQ(ReasonOf(Accept(pharmacist_, handoff, "=A99").status()),
            kReasonScanMismatch);
  // Someone else than the recipient cannot accept.
  EXPECT_EQ(Accept(tech2_, handoff, "DOSE-H").status().code(),
            absl::StatusCode::kPermissionDenied);

  CC_ASSERT_OK_AND_ASSIGN(auto accepted,
                          Accept(pharmacist_, handoff, "DOSE-H"));
  EXPECT_EQ(accepted.item().state(), v1::ITEM_STATE_AVAILABLE);
  EXPECT_EQ(accepted.item().custodian_user_id(), "phil");
  EXPECT_EQ(accepted.handoff().status(), "ACCEPTED");
  EXPECT_EQ(ReasonOf(Accept(pharmacist_, handoff, "DOSE-H").status()),
            kReasonHandoffNotOpen);

  // A broken seal at receipt puts the item on hold at once.
  CC_ASSERT_OK_AND_ASSIGN(auto again,
                          Handoff(pharmacist_, c.dose.item_id(), "tina"));
  CC_ASSERT_OK_AND_ASSIGN(
      auto broken,
      Accept(tech_, again.handoff().handoff_id(), "DOSE-H", false));
  EXPECT_EQ(broken.item().state(), v1::ITEM_STATE_ON_HOLD);
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(CustodyTest, AnIsbt128LabelIsMatchedByDinAndProductCode) {
  CC_ASSERT_OK_AND_ASSIGN(auto din, isbt128::Din::Create("A9999", 26, 4321));
  std::string ds =
      *isbt128::EncodeDonationIdentification(din, isbt128::Type3Flags(din));
  v1::RegisterItemRequest request;
  *request.mutable_context() = Ctx();
  request.set_type(v1::ITEM_TYPE_DONOR_LOT);
  request.set_din(ds);
  CC_ASSERT_OK_AND_ASSIGN(auto lot, custody_->RegisterItem(tech_, request));
  std::string product = *isbt128::EncodeProductCode({"S1295", "4A0"});
  v1::RegisterItemRequest dose_request;
  *dose_request.mutable_context() = Ctx();
  dose_request.set_type(v1::ITEM_TYPE_DOSE_BAG);
  dose_request.set_din(din.ToString());
  dose_request.set_product_code(product);
  v1::ParentLink* link = dose_request.add_parents();
  link->set_parent_item_id(lot.item().item_id());
  link->set_kind(v1::DERIVATION_KIND_FORMULATION);
  CC_ASSERT_OK_AND_ASSIGN(auto dose,
                          custody_->RegisterItem(tech_, dose_request));

  EXPECT_TRUE(ScanMatches(dose.item(), ds + product));
  // The same two data structures read from the label's Data Matrix, as a
  // compound message (023).
  CC_ASSERT_OK_AND_ASSIGN(std::string compound,
                          isbt128::EncodeCompound({ds, product}));
  EXPECT_TRUE(ScanMatches(dose.item(), compound));
  EXPECT_FALSE(ScanMatches(dose.item(), ds));  // the product code is needed
  EXPECT_TRUE(ScanMatches(lot.item(), ds));
  auto other = *isbt128::Din::Create("A9999", 26, 4322);
  EXPECT_FALSE(ScanMatches(
      dose.item(),
      *isbt128::EncodeDonationIdentification(other, "00") + product));
  v1::FindItemByScanRequest find;
  find.set_scan(ds + product);
  CC_ASSERT_OK_AND_ASSIGN(auto found, custody_->FindItemByScan(find));
  EXPECT_EQ(found.item().item_id(), dose.item().item_id());
  find.set_scan(ds);  // the DIN alone is the lot's label, not the dose's
  CC_ASSERT_OK_AND_ASSIGN(auto lot_found, custody_->FindItemByScan(find));
  EXPECT_EQ(lot_found.item().item_id(), lot.item().item_id());
  find.set_scan("=A9999261234");  // cut short
  EXPECT_EQ(FieldOf(custody_->FindItemByScan(find).status()), "scan");

  // The same DIN and product code twice is refused; a malformed DIN names
  // its field; nothing is written.
  int64_t records = Records();
  *dose_request.mutable_context() = Ctx();
  EXPECT_EQ(custody_->RegisterItem(tech_, dose_request).status().code(),
            absl::StatusCode::kAlreadyExists);
  request.set_din("=A99992600432");
  *request.mutable_context() = Ctx();
  EXPECT_EQ(FieldOf(custody_->RegisterItem(tech_, request).status()), "din");
  EXPECT_EQ(Records(), records);
}

TEST_F(CustodyTest, OfConcurrentHandoffsOfOneItemExactlyOneWins) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Item lot,
                          Register(tech_, v1::ITEM_TYPE_DONOR_LOT, "LOT-C"));
  constexpr int kThreads = 8;
  std::atomic<int> won{0};
  std::atomic<int> in_transit{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto result = Handoff(tech_, lot.item_id(), t % 2 == 0 ? "tom" : "ana");
      if (result.ok()) {
        ++won;
      } else if (ReasonOf(result.status()) == kReasonItemInTransit) {
        ++in_transit;
      } else {
        ADD_FAILURE() << result.status();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(in_transit.load(), kThreads - 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.handoffs"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records "
                  "WHERE action = 'handoff.initiate'"),
            1);
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(CustodyTest, AnExcursionIsRecordedAndFlagsTheItemsAtTheLocation) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Location site,
                          Place(v1::LOCATION_KIND_SITE, "Pharmacy"));
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Location fridge,
      Place(v1::LOCATION_KIND_FREEZER, "Fridge 2", site.location_id()));
  CC_ASSERT_OK_AND_ASSIGN(Chain c, MakeChain("T", "RH-030"));
  CC_ASSERT_OK_AND_ASSIGN(
      auto moving, Handoff(tech_, c.dose.item_id(), "", fridge.location_id()));
  CC_ASSERT_OK(Accept(tech_, moving.handoff().handoff_id(), "DOSE-T").status());

  auto upload = [&](double celsius) {
    v1::RecordTemperaturesRequest request;
    *request.mutable_context() = Ctx();
    request.set_location_id(site.location_id());  // the site, above the fridge
    request.set_logger_id("LOG-7");
    // Minutes apart from now: after the site was created, and the last
    // within the clock skew allowed.
    const int64_t now = absl::ToUnixMicros(absl::Now());
    for (int i = 0; i < 3; ++i) {
      v1::TemperatureReading* r = request.add_readings();
      *r->mutable_measured_at() =
          google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
              now + int64_t{60'000'000} * i);
      r->set_celsius(i == 1 ? celsius : 5.0);
    }
    return custody_->RecordTemperatures(tech_, request);
  };
  CC_ASSERT_OK_AND_ASSIGN(auto fine, upload(6.5));
  EXPECT_TRUE(fine.upload().excursion_item_ids().empty());
  CC_ASSERT_OK_AND_ASSIGN(v1::Item cool, Get(c.dose.item_id()));
  EXPECT_FALSE(cool.temperature_excursion());

  CC_ASSERT_OK_AND_ASSIGN(auto warm, upload(11.25));  // dose bags: 2-8 °C
  EXPECT_THAT(warm.upload().excursion_item_ids(),
              ElementsAre(c.dose.item_id()));
  ASSERT_EQ(warm.upload().readings_size(), 3);
  EXPECT_EQ(warm.upload().readings(1).celsius(), 11.25);
  CC_ASSERT_OK_AND_ASSIGN(v1::Item flagged, Get(c.dose.item_id()));
  EXPECT_TRUE(flagged.temperature_excursion());
  EXPECT_EQ(
      Count("SELECT count(*) FROM cellchain_custody.temperature_excursions "
            "WHERE item_id = $1 AND celsius = 11.25",
            {c.dose.item_id()}),
      1);
  EXPECT_THAT(Actions("item", c.dose.item_id()),
              ::testing::Contains("item.temperature_excursion"));

  // QA narrows the range of vials; bad limits name their field.
  v1::SetTemperatureLimitsRequest limits;
  *limits.mutable_context() = Ctx("validated LN2 vapour range");
  limits.mutable_limit()->set_item_type(v1::ITEM_TYPE_CRYOVIAL);
  limits.mutable_limit()->set_min_celsius(-196);
  limits.mutable_limit()->set_max_celsius(-160);
  CC_ASSERT_OK(custody_->SetTemperatureLimits(qa_desk_, limits).status());
  limits.mutable_limit()->set_max_celsius(-200);
  *limits.mutable_context() = Ctx("typo");
  EXPECT_EQ(FieldOf(custody_->SetTemperatureLimits(qa_desk_, limits).status()),
            "limit.max_celsius");
  v1::RecordTemperaturesRequest both;
  *both.mutable_context() = Ctx();
  both.set_item_id(c.dose.item_id());
  both.set_location_id(site.location_id());
  EXPECT_EQ(FieldOf(custody_->RecordTemperatures(tech_, both).status()),
            "item_id");
  ExpectEverySnapshotMatchesItsRow();
}

// The issue saw readings dated 9999-12-31, 1970 and a year ahead accepted.
TEST_F(CustodyTest, ReadingsFromTheFutureOrBeforeTheItemExistedAreRefused) {
  using google::protobuf::util::TimeUtil;
  CC_ASSERT_OK_AND_ASSIGN(v1::Location site,
                          Place(v1::LOCATION_KIND_SITE, "Cell store"));
  CC_ASSERT_OK_AND_ASSIGN(v1::Item lot,
                          Register(tech_, v1::ITEM_TYPE_DONOR_LOT, "LOT-TMP"));
  const absl::Time now = absl::Now();
  auto at = [](absl::Time t) {
    return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
  };
  // Four good readings; `bad` replaces the one at `index`.
  auto upload = [&](int index, google::protobuf::Timestamp bad,
                    bool location = false) {
    v1::RecordTemperaturesRequest request;
    *request.mutable_context() = Ctx();
    if (location) {
      request.set_location_id(site.location_id());
    } else {
      request.set_item_id(lot.item_id());
    }
    request.set_logger_id("LOG-9");
    for (int i = 0; i < 4; ++i) {
      v1::TemperatureReading* r = request.add_readings();
      *r->mutable_measured_at() =
          i == index ? bad : at(now + absl::Seconds(10 * i));
      r->set_celsius(5.0);
    }
    return custody_->RecordTemperatures(tech_, request);
  };
  const int64_t records = Records();
  struct Case {
    int index;
    google::protobuf::Timestamp when;
    bool location;
    std::string says;
  };
  google::protobuf::Timestamp last_second;
  ASSERT_TRUE(TimeUtil::FromString("9999-12-31T23:59:59Z", &last_second));
  std::vector<Case> cases = {
      {3, last_second, false, "in the future"},
      {1, at(now + absl::Hours(24 * 365)), false, "in the future"},
      {2, at(now + kMaxReadingClockSkew + absl::Minutes(1)), false,
       "in the future"},
      {0, TimeUtil::SecondsToTimestamp(0), false, "before item"},
      {1, at(now - absl::Hours(1)), false, "was registered"},
      {0, at(now - absl::Hours(1)), true, "was created"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(TimeUtil::ToString(c.when));
    absl::Status refused = upload(c.index, c.when, c.location).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
    EXPECT_EQ(FieldOf(refused),
              absl::StrCat("readings[", c.index, "].measured_at"));
    EXPECT_THAT(std::string(refused.message()), HasSubstr(c.says));
  }
  EXPECT_EQ(Records(), records);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.temperature_uploads"),
            0);
  EXPECT_EQ(
      Count("SELECT count(*) FROM cellchain_custody.temperature_readings"), 0);

  // A logger a little ahead of the server is within the skew allowed.
  CC_ASSERT_OK_AND_ASSIGN(
      auto ahead, upload(3, at(now + kMaxReadingClockSkew - absl::Minutes(1))));
  EXPECT_EQ(ahead.upload().readings_size(), 4);
  CC_ASSERT_OK(upload(-1, {}, /*location=*/true).status());
}

TEST_F(CustodyTest, AHeldItemIsNotUsedAndOnlyQaReleasesItWithASignature) {
  auth::Principal quinn = MakeQa();
  CC_ASSERT_OK_AND_ASSIGN(Chain c, MakeChain("Q", "RH-040"));
  EXPECT_EQ(FieldOf(Hold(c.lot.item_id(), "").status()), "context.reason");
  CC_ASSERT_OK_AND_ASSIGN(auto held, Hold(c.lot.item_id(), "endotoxin OOS"));
  EXPECT_EQ(held.item().state(), v1::ITEM_STATE_ON_HOLD);

  // Nothing may be made from it, but a QC sample may be drawn.
  EXPECT_EQ(ReasonOf(Register(tech_, v1::ITEM_TYPE_CRYOVIAL, "VIAL-Q2",
                              {{c.lot.item_id(),
                                v1::DERIVATION_KIND_CRYOPRESERVATION}})
                         .status()),
            kReasonParentOnHold);
  CC_ASSERT_OK(Register(analyst_, v1::ITEM_TYPE_QC_SAMPLE, "QC-Q2",
                        {{c.lot.item_id(), v1::DERIVATION_KIND_SAMPLE}})
                   .status());
  v1::EndItemRequest consume;
  *consume.mutable_context() = Ctx();
  consume.set_item_id(c.lot.item_id());
  consume.set_outcome(v1::ITEM_STATE_CONSUMED);
  EXPECT_EQ(ReasonOf(custody_->EndItem(tech_, consume).status()),
            kReasonItemOnHold);

  v1::ReleaseHoldRequest release;
  *release.mutable_context() = Ctx("retest in specification");
  release.set_hold_id(held.hold().hold_id());
  release.mutable_signature()->set_meaning(
      common::v1::SIGNATURE_MEANING_APPROVED);
  release.mutable_signature()->set_password("not my password");
  absl::Status wrong = custody_->ReleaseHold(quinn, release).status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(wrong), auth::kReasonReauthenticationFailed);
  CC_ASSERT_OK_AND_ASSIGN(v1::Item still, Get(c.lot.item_id()));
  EXPECT_TRUE(still.on_hold());
  release.mutable_signature()->set_meaning(
      common::v1::SIGNATURE_MEANING_REVIEWED);
  release.mutable_signature()->set_password(kQaPassword);
  EXPECT_EQ(FieldOf(custody_->ReleaseHold(quinn, release).status()),
            "signature.meaning");

  release.mutable_signature()->set_meaning(
      common::v1::SIGNATURE_MEANING_APPROVED);
  CC_ASSERT_OK_AND_ASSIGN(auto released, custody_->ReleaseHold(quinn, release));
  EXPECT_FALSE(released.hold().active());
  EXPECT_EQ(released.item().state(), v1::ITEM_STATE_AVAILABLE);
  // The release record carries QA's signature manifestation.
  auto conn = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(conn.ok());
  auto r = conn->Exec(
      "SELECT record_bytes FROM cellchain_audit.records "
      "WHERE action = 'hold.release' AND entity_id = $1",
      {held.hold().hold_id()}, pg::ResultFormat::kBinary);
  ASSERT_TRUE(r.ok() && r->rows() == 1);
  audit::v1::AuditRecord record;
  ASSERT_TRUE(record.ParseFromString(*r->GetBytes(0, 0)));
  EXPECT_EQ(record.signature().printed_name(), "Quinn Q. Assurance");
  EXPECT_EQ(record.signature().meaning(),
            common::v1::SIGNATURE_MEANING_APPROVED);
  EXPECT_EQ(record.reason(), "retest in specification");
  // A retry of the same release returns its first answer.
  CC_EXPECT_OK(custody_->ReleaseHold(quinn, release).status());
  *release.mutable_context() = Ctx("again");
  EXPECT_EQ(ReasonOf(custody_->ReleaseHold(quinn, release).status()),
            kReasonHoldNotActive);

  // Now it can be used up.
  CC_ASSERT_OK_AND_ASSIGN(auto consumed, custody_->EndItem(tech_, consume));
  EXPECT_EQ(consumed.item().state(), v1::ITEM_STATE_CONSUMED);
  *consume.mutable_context() = Ctx("again");
  EXPECT_EQ(ReasonOf(custody_->EndItem(tech_, consume).status()),
            kReasonItemEnded);
  ExpectEverySnapshotMatchesItsRow();
}

// Segregation of duties: whoever did work on an item may not release its
// hold; placing a hold is no such work, so QA may release its own hold.
TEST_F(CustodyTest, WhoWorkedOnAnItemCannotReleaseItsHold) {
  auth::Principal quinn = MakeQa();
  auth::Principal terry = MakeTwoHats();
  auth::Principal terry_as_qa = terry;
  terry_as_qa.acting_role = common::v1::ROLE_QA;
  CC_ASSERT_OK_AND_ASSIGN(v1::Item bag,
                          Register(terry, v1::ITEM_TYPE_DONOR_LOT, "LOT-SOD"));
  CC_ASSERT_OK_AND_ASSIGN(auto held, Hold(bag.item_id(), "label smudged"));

  auto release = [&](const auth::Principal& who, const char* password,
                     const std::string& hold_id) {
    v1::ReleaseHoldRequest request;
    *request.mutable_context() = Ctx("label reprinted and verified");
    request.set_hold_id(hold_id);
    request.mutable_signature()->set_meaning(
        common::v1::SIGNATURE_MEANING_APPROVED);
    request.mutable_signature()->set_password(password);
    return custody_->ReleaseHold(who, request);
  };
  int64_t before = Records();
  absl::Status refused =
      release(terry_as_qa, testing::kTwoHatsPassword, held.hold().hold_id())
          .status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;
  EXPECT_EQ(ReasonOf(refused), auth::kReasonSegregationOfDuties);
  EXPECT_THAT(
      std::string(refused.message()),
      HasSubstr("terry recorded item.register on item " + bag.item_id()));
  EXPECT_EQ(Records(), before);
  CC_ASSERT_OK_AND_ASSIGN(v1::Item still, Get(bag.item_id()));
  EXPECT_TRUE(still.on_hold());
  CC_ASSERT_OK(release(quinn, kQaPassword, held.hold().hold_id()).status());

  // Tina's item, held by terry as QA: terry may release the hold.
  CC_ASSERT_OK_AND_ASSIGN(v1::Item other,
                          Register(tech_, v1::ITEM_TYPE_DONOR_LOT, "LOT-SOD2"));
  v1::PlaceHoldRequest hold;
  *hold.mutable_context() = Ctx("awaiting the transport record");
  hold.set_item_id(other.item_id());
  CC_ASSERT_OK_AND_ASSIGN(auto placed, custody_->PlaceHold(terry_as_qa, hold));
  CC_ASSERT_OK_AND_ASSIGN(
      auto released,
      release(terry_as_qa, testing::kTwoHatsPassword, placed.hold().hold_id()));
  EXPECT_EQ(released.item().state(), v1::ITEM_STATE_AVAILABLE);
}

TEST_F(CustodyTest, ARecallHoldsEveryDescendantOfADeepTree) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Item donor,
                          Register(tech_, v1::ITEM_TYPE_DONOR_LOT, "LOT-R"));
  CC_ASSERT_OK_AND_ASSIGN(v1::Item unrelated,
                          Register(tech_, v1::ITEM_TYPE_DONOR_LOT, "LOT-X"));
  // 40 passages deep, each passage also split into a vial.
  std::vector<std::string> descendants;
  std::string parent = donor.item_id();
  for (int depth = 0; depth < 40; ++depth) {
    CC_ASSERT_OK_AND_ASSIGN(
        v1::Item vessel,
        Register(tech_, v1::ITEM_TYPE_CULTURE_VESSEL, absl::StrCat("P", depth),
                 {{parent, depth == 0 ? v1::DERIVATION_KIND_PROCESSING
                                      : v1::DERIVATION_KIND_PASSAGE}}));
    CC_ASSERT_OK_AND_ASSIGN(
        v1::Item vial,
        Register(tech_, v1::ITEM_TYPE_CRYOVIAL, absl::StrCat("V", depth),
                 {{vessel.item_id(), v1::DERIVATION_KIND_CRYOPRESERVATION}}));
    descendants.push_back(vessel.item_id());
    descendants.push_back(vial.item_id());
    parent = vessel.item_id();
  }
  CC_ASSERT_OK_AND_ASSIGN(
      v1::Item dose,
      Register(tech_, v1::ITEM_TYPE_DOSE_BAG, "DOSE-R",
               {{parent, v1::DERIVATION_KIND_FORMULATION}}, "", "RH-050"));
  // The dose was already infused: it cannot be held, but the trace finds it.
  v1::EndItemRequest infuse;
  *infuse.mutable_context() = Ctx();
  infuse.set_item_id(dose.item_id());
  infuse.set_outcome(v1::ITEM_STATE_INFUSED);
  infuse.set_patient_id("RH-051");
  EXPECT_EQ(ReasonOf(custody_->EndItem(tech_, infuse).status()),
            kReasonPatientMismatch);
  infuse.set_patient_id("RH-050");
  CC_ASSERT_OK(custody_->EndItem(tech_, infuse).status());

  v1::RecallRequest recall;
  *recall.mutable_context() = Ctx("donor HBV NAT reactive on lookback");
  recall.set_item_id(descendants[3]);  // a vial is not recallable
  EXPECT_EQ(ReasonOf(custody_->Recall(qa_desk_, recall).status()),
            kReasonNotRecallable);
  recall.set_item_id(donor.item_id());
  CC_ASSERT_OK_AND_ASSIGN(v1::RecallResponse recalled,
                          custody_->Recall(qa_desk_, recall));
  descendants.push_back(donor.item_id());
  EXPECT_THAT(recalled.held_item_ids(),
              ::testing::UnorderedElementsAreArray(descendants));
  EXPECT_EQ(recalled.recall().items_held(), 81);
  for (const std::string& id : descendants) {
    CC_ASSERT_OK_AND_ASSIGN(v1::Item item, Get(id));
    EXPECT_EQ(item.state(), v1::ITEM_STATE_ON_HOLD) << id;
  }
  CC_ASSERT_OK_AND_ASSIGN(v1::Item other, Get(unrelated.item_id()));
  EXPECT_FALSE(other.on_hold());
  CC_ASSERT_OK_AND_ASSIGN(v1::Item infused, Get(dose.item_id()));
  EXPECT_EQ(infused.state(), v1::ITEM_STATE_INFUSED);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.holds "
                  "WHERE recall_id = $1",
                  {recalled.recall().recall_id()}),
            81);
  // Each hold and each item has its signed record; the recall has one.
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_audit.records "
                  "WHERE action IN ('hold.place', 'item.hold')"),
            162);
  v1::TraceRequest trace;
  trace.set_item_id(donor.item_id());
  CC_ASSERT_OK_AND_ASSIGN(v1::TraceResponse forward,
                          custody_->TraceForward(trace));
  EXPECT_EQ(forward.item_count(), 82);
  ASSERT_EQ(forward.patients_size(), 1);
  EXPECT_EQ(forward.patients(0).state(), v1::ITEM_STATE_INFUSED);
  ExpectEverySnapshotMatchesItsRow();
}

TEST_F(CustodyTest, ARetryWritesNothingTwiceAndBadInputWritesNothing) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Item donor,
                          Register(tech_, v1::ITEM_TYPE_DONOR_LOT, "LOT-I"));
  v1::RegisterItemRequest request;
  *request.mutable_context() = Ctx();
  request.set_type(v1::ITEM_TYPE_CULTURE_VESSEL);
  request.set_local_code("V-I");
  v1::ParentLink* link = request.add_parents();
  link->set_parent_item_id(donor.item_id());
  link->set_kind(v1::DERIVATION_KIND_PROCESSING);
  CC_ASSERT_OK_AND_ASSIGN(auto first, custody_->RegisterItem(tech_, request));
  int64_t records = Records();
  CC_ASSERT_OK_AND_ASSIGN(auto retry, custody_->RegisterItem(tech_, request));
  EXPECT_EQ(first.item().item_id(), retry.item().item_id());
  EXPECT_EQ(Records(), records);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.items"), 2);

  // Bad input names its field, and nothing is written.
  v1::RegisterItemRequest bad = request;
  *bad.mutable_context() = Ctx();
  bad.set_local_code("V-J");
  bad.mutable_parents(0)->set_kind(v1::DERIVATION_KIND_UNSPECIFIED);
  EXPECT_EQ(FieldOf(custody_->RegisterItem(tech_, bad).status()),
            "parents[0].kind");
  bad.clear_parents();
  EXPECT_EQ(FieldOf(custody_->RegisterItem(tech_, bad).status()), "parents");
  bad.set_type(v1::ITEM_TYPE_DONOR_LOT);
  bad.add_parents()->set_parent_item_id(donor.item_id());
  EXPECT_EQ(FieldOf(custody_->RegisterItem(tech_, bad).status()), "parents");
  bad.clear_parents();
  bad.set_local_code("");
  EXPECT_EQ(FieldOf(custody_->RegisterItem(tech_, bad).status()), "din");
  bad.set_local_code("V-J");
  bad.set_type(v1::ITEM_TYPE_UNSPECIFIED);
  EXPECT_EQ(FieldOf(custody_->RegisterItem(tech_, bad).status()), "type");
  bad.set_type(v1::ITEM_TYPE_CULTURE_VESSEL);
  link = bad.add_parents();
  link->set_parent_item_id("itm_missing");
  link->set_kind(v1::DERIVATION_KIND_PASSAGE);
  EXPECT_EQ(custody_->RegisterItem(tech_, bad).status().code(),
            absl::StatusCode::kNotFound);
  v1::RegisterItemRequest reused = request;  // same id, another request
  reused.set_description("changed");
  EXPECT_EQ(custody_->RegisterItem(tech_, reused).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Records(), records);
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.items"), 2);
}

// The limits migration 0001 seeds have no record and are not listed for
// state verification; a limit QA changed is, by its item type's name, until
// it is the seed again.
TEST_F(CustodyTest, OnlyALimitChangedFromItsSeedMustHaveARecord) {
  auto conn = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(conn.ok()) << conn.status();
  CC_ASSERT_OK_AND_ASSIGN(std::vector<std::string> seeded,
                          registry_.ListIds(*conn, "temperature_limit"));
  EXPECT_EQ(seeded, std::vector<std::string>{});
  v1::SetTemperatureLimitsRequest limits;
  *limits.mutable_context() = Ctx("validated LN2 vapour range");
  limits.mutable_limit()->set_item_type(v1::ITEM_TYPE_CRYOVIAL);
  limits.mutable_limit()->set_min_celsius(-196);
  limits.mutable_limit()->set_max_celsius(-160);
  CC_ASSERT_OK(custody_->SetTemperatureLimits(qa_desk_, limits).status());
  CC_ASSERT_OK_AND_ASSIGN(std::vector<std::string> changed,
                          registry_.ListIds(*conn, "temperature_limit"));
  EXPECT_EQ(changed, std::vector<std::string>{"ITEM_TYPE_CRYOVIAL"});
  *limits.mutable_context() = Ctx("back to the validated default");
  limits.mutable_limit()->set_max_celsius(-150);
  CC_ASSERT_OK(custody_->SetTemperatureLimits(qa_desk_, limits).status());
  CC_ASSERT_OK_AND_ASSIGN(std::vector<std::string> reset,
                          registry_.ListIds(*conn, "temperature_limit"));
  EXPECT_EQ(reset, std::vector<std::string>{});
}

TEST_F(CustodyTest, HistoryRowsCannotBeDeleted) {
  CC_ASSERT_OK_AND_ASSIGN(v1::Item donor,
                          Register(tech_, v1::ITEM_TYPE_DONOR_LOT, "LOT-D"));
  auto conn = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(conn.ok());
  auto deleted = conn->Exec("DELETE FROM cellchain_custody.items");
  EXPECT_FALSE(deleted.ok());
  EXPECT_THAT(std::string(deleted.status().message()),
              HasSubstr("custody history is kept"));
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_custody.items"), 1);
}

}  // namespace
}  // namespace cellchain::custody
