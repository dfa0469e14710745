// custody's pure rules (rules.h) by hand-computed cases: no database.
#include "services/custody/rules.h"

#include <google/protobuf/util/time_util.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"
#include "services/isbt128/data_structures.h"
#include "services/isbt128/din.h"
#include "services/isbt128/scan.h"

namespace cellchain::custody {
namespace {

using google::protobuf::util::TimeUtil;

// What the caller reads (status.h InvalidField prefixes the field).
std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

LockedItem Item(v1::ItemType type, v1::ItemState state,
                std::string custodian = "tina") {
  LockedItem item;
  item.item_id = "itm_1";
  item.type = type;
  item.state = state;
  item.on_hold = state == v1::ITEM_STATE_ON_HOLD;
  item.custodian = std::move(custodian);
  return item;
}

TEST(StatesTest, EachStateIsStoredAsItsTextAndReadBack) {
  struct Case {
    v1::ItemState state;
    const char* text;
    bool on_hold;
  };
  for (const Case& c :
       std::vector<Case>{{v1::ITEM_STATE_AVAILABLE, "available", false},
                         {v1::ITEM_STATE_ON_HOLD, "available", true},
                         {v1::ITEM_STATE_IN_TRANSIT, "in_transit", false},
                         {v1::ITEM_STATE_CONSUMED, "consumed", false},
                         {v1::ITEM_STATE_INFUSED, "infused", false},
                         {v1::ITEM_STATE_DISCARDED, "discarded", false}}) {
    SCOPED_TRACE(v1::ItemState_Name(c.state));
    EXPECT_EQ(StateText(c.state), c.text);
    EXPECT_EQ(StateOf(c.text, c.on_hold), c.state);
  }
  EXPECT_EQ(StateText(v1::ITEM_STATE_UNSPECIFIED), "");
  EXPECT_EQ(StateOf("lost", false), v1::ITEM_STATE_UNSPECIFIED);
  // A hold does not move an item in its life cycle: a held item in transit
  // is in transit, an ended one stays ended.
  EXPECT_EQ(StateOf("in_transit", true), v1::ITEM_STATE_IN_TRANSIT);
  EXPECT_EQ(StateOf("discarded", true), v1::ITEM_STATE_DISCARDED);
  EXPECT_TRUE(Ended(v1::ITEM_STATE_INFUSED));
  EXPECT_FALSE(Ended(v1::ITEM_STATE_ON_HOLD));
}

TEST(KindsTest, MaterialsEquipmentAndSamplesAreLinkedOnlyByTheirOwnKind) {
  EXPECT_TRUE(IsRootType(v1::ITEM_TYPE_DONOR_LOT));
  EXPECT_TRUE(IsRootType(v1::ITEM_TYPE_EQUIPMENT));
  EXPECT_FALSE(IsRootType(v1::ITEM_TYPE_CULTURE_VESSEL));

  CC_EXPECT_OK(CheckKindFits(v1::ITEM_TYPE_REAGENT_LOT,
                             v1::ITEM_TYPE_CULTURE_VESSEL,
                             v1::DERIVATION_KIND_MATERIAL, "kind"));
  CC_EXPECT_OK(CheckKindFits(v1::ITEM_TYPE_EQUIPMENT,
                             v1::ITEM_TYPE_CULTURE_VESSEL,
                             v1::DERIVATION_KIND_EQUIPMENT, "kind"));
  CC_EXPECT_OK(CheckKindFits(v1::ITEM_TYPE_CULTURE_VESSEL,
                             v1::ITEM_TYPE_QC_SAMPLE,
                             v1::DERIVATION_KIND_SAMPLE, "kind"));
  struct Case {
    v1::ItemType parent;
    v1::ItemType child;
    v1::DerivationKind kind;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {v1::ITEM_TYPE_REAGENT_LOT, v1::ITEM_TYPE_CULTURE_VESSEL,
            v1::DERIVATION_KIND_PASSAGE, "a reagent lot is linked as MATERIAL"},
           {v1::ITEM_TYPE_CULTURE_VESSEL, v1::ITEM_TYPE_CRYOVIAL,
            v1::DERIVATION_KIND_MATERIAL, "MATERIAL links a reagent lot only"},
           {v1::ITEM_TYPE_EQUIPMENT, v1::ITEM_TYPE_CULTURE_VESSEL,
            v1::DERIVATION_KIND_PASSAGE, "equipment is linked as EQUIPMENT"},
           {v1::ITEM_TYPE_CULTURE_VESSEL, v1::ITEM_TYPE_CULTURE_VESSEL,
            v1::DERIVATION_KIND_EQUIPMENT, "EQUIPMENT links equipment only"},
           // A QC sample is only drawn, and only a QC sample is.
           {v1::ITEM_TYPE_CULTURE_VESSEL, v1::ITEM_TYPE_QC_SAMPLE,
            v1::DERIVATION_KIND_ALIQUOT, "only a QC sample"},
           {v1::ITEM_TYPE_CULTURE_VESSEL, v1::ITEM_TYPE_CRYOVIAL,
            v1::DERIVATION_KIND_SAMPLE, "only a QC sample"}}) {
    SCOPED_TRACE(c.says);
    absl::Status refused =
        CheckKindFits(c.parent, c.child, c.kind, "parents[2].kind");
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldOf(refused), "parents[2].kind");
    EXPECT_NE(Message(refused).find(c.says), std::string::npos) << refused;
  }
}

TEST(FieldsTest, TextsUserIdsAndCodes) {
  absl::Status blank = RequireText("  ", "name", "a name");
  EXPECT_EQ(FieldOf(blank), "name");
  EXPECT_EQ(Message(blank), "name: a name is required");
  CC_EXPECT_OK(RequireText("Freezer 2", "name", "a name"));
  EXPECT_EQ(Message(RequireText(std::string(501, 'x'), "name", "a name")),
            "name: at most 500 characters");
  CC_EXPECT_OK(OptionalText("", "condition"));
  CC_EXPECT_OK(OptionalText(std::string(500, 'x'), "condition"));
  EXPECT_EQ(FieldOf(OptionalText(std::string(501, 'x'), "condition")),
            "condition");
  common::v1::RequestContext context;
  EXPECT_EQ(Message(RequireReason(context, "a hold")),
            "context.reason: a reason for a hold is required");
  EXPECT_EQ(FieldOf(RequireReason(context, "a hold")), "context.reason");

  EXPECT_TRUE(IsUserId("phil"));
  EXPECT_TRUE(IsUserId("qa.anna-2"));
  EXPECT_FALSE(IsUserId("p"));      // too short
  EXPECT_FALSE(IsUserId("Phil"));   // capital
  EXPECT_FALSE(IsUserId("2phil"));  // starts with a digit
  EXPECT_FALSE(IsUserId(std::string(33, 'a')));
  EXPECT_TRUE(IsCode("LOT-7/a:b_c.d", 64));
  EXPECT_FALSE(IsCode("", 64));
  EXPECT_FALSE(IsCode("LOT 7", 64));
  EXPECT_FALSE(IsCode(std::string(33, 'A'), 32));
}

TEST(ItemsTest, AParentMustBeUsable) {
  v1::DerivationKind split = v1::DERIVATION_KIND_SPLIT;
  v1::DerivationKind sample = v1::DERIVATION_KIND_SAMPLE;
  LockedItem vessel =
      Item(v1::ITEM_TYPE_CULTURE_VESSEL, v1::ITEM_STATE_AVAILABLE);
  CC_EXPECT_OK(CheckParentOfNewItem(vessel, split));
  CC_EXPECT_OK(CheckParentToLink(vessel, split));

  LockedItem moving =
      Item(v1::ITEM_TYPE_CULTURE_VESSEL, v1::ITEM_STATE_IN_TRANSIT, "");
  EXPECT_EQ(ReasonOf(CheckParentOfNewItem(moving, split)),
            kReasonItemInTransit);
  // LinkParent does not look at transit.
  CC_EXPECT_OK(CheckParentToLink(moving, split));

  LockedItem used = Item(v1::ITEM_TYPE_CULTURE_VESSEL, v1::ITEM_STATE_CONSUMED);
  EXPECT_EQ(ReasonOf(CheckParentOfNewItem(used, split)), kReasonParentEnded);
  EXPECT_EQ(ReasonOf(CheckParentToLink(used, sample)), kReasonParentEnded);

  LockedItem held = Item(v1::ITEM_TYPE_CULTURE_VESSEL, v1::ITEM_STATE_ON_HOLD);
  EXPECT_EQ(ReasonOf(CheckParentOfNewItem(held, split)), kReasonParentOnHold);
  EXPECT_EQ(ReasonOf(CheckParentToLink(held, split)), kReasonParentOnHold);
  CC_EXPECT_OK(CheckParentOfNewItem(held, sample));
  CC_EXPECT_OK(CheckParentToLink(held, sample));
}

TEST(ItemsTest, ALinkJoinsTwoItemsWithoutClosingACycle) {
  v1::LinkParentRequest request;
  EXPECT_EQ(FieldOf(CheckLinkRequest(request)), "item_id");
  request.set_item_id("itm_c");
  EXPECT_EQ(FieldOf(CheckLinkRequest(request)), "parent_item_id");
  request.set_parent_item_id("itm_c");
  EXPECT_EQ(ReasonOf(CheckLinkRequest(request)), kReasonDerivationCycle);
  request.set_parent_item_id("itm_p");
  EXPECT_EQ(FieldOf(CheckLinkRequest(request)), "kind");
  request.set_kind(v1::DERIVATION_KIND_POOL);
  CC_EXPECT_OK(CheckLinkRequest(request));

  CC_EXPECT_OK(CheckAcyclic(request, {"itm_p", "itm_lot"}));
  absl::Status cycle = CheckAcyclic(request, {"itm_p", "itm_c", "itm_lot"});
  EXPECT_EQ(ReasonOf(cycle), kReasonDerivationCycle);
  EXPECT_EQ(Message(cycle),
            "item itm_p descends from itm_c: the link would close a cycle");

  CC_EXPECT_OK(CheckChildToLink(
      Item(v1::ITEM_TYPE_CULTURE_VESSEL, v1::ITEM_STATE_AVAILABLE)));
  EXPECT_EQ(FieldOf(CheckChildToLink(
                Item(v1::ITEM_TYPE_REAGENT_LOT, v1::ITEM_STATE_AVAILABLE))),
            "item_id");
  EXPECT_EQ(ReasonOf(CheckChildToLink(
                Item(v1::ITEM_TYPE_CULTURE_VESSEL, v1::ITEM_STATE_DISCARDED))),
            kReasonItemEnded);
}

TEST(ItemsTest, OnlyTheCustodianHandsOverAnItemNotInTransit) {
  LockedItem item = Item(v1::ITEM_TYPE_CRYOVIAL, v1::ITEM_STATE_AVAILABLE);
  CC_EXPECT_OK(CheckHandOver(item, "tina"));
  absl::Status not_hers = CheckHandOver(item, "phil");
  EXPECT_EQ(not_hers.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(not_hers), kReasonNotCustodian);
  EXPECT_EQ(Message(not_hers),
            "NOT_CUSTODIAN: item itm_1 is in the custody of tina");
  // Held by a location: anyone whose role may call.
  item.custodian.clear();
  CC_EXPECT_OK(CheckHandOver(item, "phil"));
  item.state = v1::ITEM_STATE_IN_TRANSIT;
  EXPECT_EQ(ReasonOf(CheckHandOver(item, "phil")), kReasonItemInTransit);
  item.state = v1::ITEM_STATE_DISCARDED;
  EXPECT_EQ(ReasonOf(RequireNotEnded(item)), kReasonItemEnded);
}

TEST(HandoffsTest, AnOpenHandoffIsAcceptedByItsRecipientCancelledByItsSender) {
  v1::Handoff handoff;
  handoff.set_handoff_id("hnd_1");
  handoff.set_status(kHandoffOpen);
  handoff.set_from_user_id("tina");
  handoff.set_carrier_user_id("carl");
  handoff.set_to_user_id("phil");
  CC_EXPECT_OK(CheckAccept(handoff, "phil"));
  absl::Status not_his = CheckAccept(handoff, "tina");
  EXPECT_EQ(not_his.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Message(not_his), "NOT_RECIPIENT: handoff hnd_1 is to phil");
  CC_EXPECT_OK(CheckCancel(handoff, "tina"));
  CC_EXPECT_OK(CheckCancel(handoff, "carl"));
  EXPECT_EQ(ReasonOf(CheckCancel(handoff, "phil")), kReasonNotCustodian);
  // To a place only: anyone whose role may call accepts.
  handoff.clear_to_user_id();
  CC_EXPECT_OK(CheckAccept(handoff, "tina"));

  handoff.set_status(kHandoffAccepted);
  absl::Status closed = CheckAccept(handoff, "phil");
  EXPECT_EQ(ReasonOf(closed), kReasonHandoffNotOpen);
  EXPECT_EQ(Message(closed), "handoff hnd_1 is ACCEPTED");
  handoff.set_status(kHandoffCancelled);
  EXPECT_EQ(ReasonOf(CheckCancel(handoff, "tina")), kReasonHandoffNotOpen);
}

TEST(ItemsTest, EndingAnItem) {
  v1::EndItemRequest infuse;
  infuse.set_outcome(v1::ITEM_STATE_INFUSED);
  EXPECT_EQ(FieldOf(CheckEndRequest(infuse)), "patient_id");
  infuse.set_patient_id("RH-017");
  CC_EXPECT_OK(CheckEndRequest(infuse));
  v1::EndItemRequest request;
  request.set_outcome(v1::ITEM_STATE_ON_HOLD);
  EXPECT_EQ(FieldOf(CheckEndRequest(request)), "outcome");
  request.set_outcome(v1::ITEM_STATE_CONSUMED);
  request.set_patient_id("RH-017");
  EXPECT_EQ(FieldOf(CheckEndRequest(request)), "patient_id");
  request.clear_patient_id();
  CC_EXPECT_OK(CheckEndRequest(request));
  request.set_outcome(v1::ITEM_STATE_DISCARDED);
  EXPECT_EQ(FieldOf(CheckEndRequest(request)), "context.reason");
  request.mutable_context()->set_reason("dropped");
  CC_EXPECT_OK(CheckEndRequest(request));

  LockedItem dose = Item(v1::ITEM_TYPE_DOSE_BAG, v1::ITEM_STATE_AVAILABLE);
  dose.patient_id = "RH-017";
  CC_EXPECT_OK(CheckEnd(dose, infuse, "tina"));
  infuse.set_patient_id("RH-018");
  EXPECT_EQ(ReasonOf(CheckEnd(dose, infuse, "tina")), kReasonPatientMismatch);
  infuse.set_patient_id("RH-017");
  EXPECT_EQ(ReasonOf(CheckEnd(dose, infuse, "phil")), kReasonNotCustodian);
  LockedItem vial = Item(v1::ITEM_TYPE_CRYOVIAL, v1::ITEM_STATE_AVAILABLE);
  EXPECT_EQ(ReasonOf(CheckEnd(vial, infuse, "tina")), kReasonNotInfusible);

  LockedItem held = Item(v1::ITEM_TYPE_DOSE_BAG, v1::ITEM_STATE_ON_HOLD);
  absl::Status on_hold = CheckEnd(held, infuse, "tina");
  EXPECT_EQ(ReasonOf(on_hold), kReasonItemOnHold);
  EXPECT_EQ(Message(on_hold), "item itm_1 is on hold: it cannot be infused");
  CC_EXPECT_OK(CheckEnd(held, request, "tina"));  // discarded
  held.state = v1::ITEM_STATE_IN_TRANSIT;
  EXPECT_EQ(ReasonOf(CheckEnd(held, request, "tina")), kReasonItemInTransit);
}

TEST(ItemsTest, ARecallStartsFromADonorReagentOrProductLot) {
  CC_EXPECT_OK(
      CheckRecallable(Item(v1::ITEM_TYPE_DONOR_LOT, v1::ITEM_STATE_AVAILABLE)));
  CC_EXPECT_OK(CheckRecallable(
      Item(v1::ITEM_TYPE_REAGENT_LOT, v1::ITEM_STATE_CONSUMED)));
  CC_EXPECT_OK(CheckRecallable(
      Item(v1::ITEM_TYPE_PRODUCT_LOT, v1::ITEM_STATE_AVAILABLE)));
  EXPECT_EQ(ReasonOf(CheckRecallable(
                Item(v1::ITEM_TYPE_DOSE_BAG, v1::ITEM_STATE_AVAILABLE))),
            kReasonNotRecallable);
}

TEST(HoldsTest, AHoldIsReleasedOnceAndARecallHoldsAtMostItsLimit) {
  v1::Hold hold;
  hold.set_hold_id("hld_1");
  hold.set_active(true);
  CC_EXPECT_OK(RequireActive(hold));
  hold.set_active(false);
  EXPECT_EQ(ReasonOf(RequireActive(hold)), kReasonHoldNotActive);
  CC_EXPECT_OK(CheckRecallSize(300, 300));
  absl::Status large = CheckRecallSize(301, 300);
  EXPECT_EQ(ReasonOf(large), kReasonRecallTooLarge);
  EXPECT_EQ(Message(large), "301 items to hold; one recall holds at most 300");
}

TEST(LocationsTest, AChildIsOfADeeperKindThanItsParent) {
  CC_EXPECT_OK(CheckInside(v1::LOCATION_KIND_SITE, v1::LOCATION_KIND_ROOM));
  // A box may sit directly in a room.
  CC_EXPECT_OK(CheckInside(v1::LOCATION_KIND_ROOM, v1::LOCATION_KIND_BOX));
  EXPECT_EQ(
      ReasonOf(CheckInside(v1::LOCATION_KIND_BOX, v1::LOCATION_KIND_FREEZER)),
      kReasonLocationHierarchy);
  absl::Status same =
      CheckInside(v1::LOCATION_KIND_RACK, v1::LOCATION_KIND_RACK);
  EXPECT_EQ(Message(same),
            "a LOCATION_KIND_RACK cannot be inside a LOCATION_KIND_RACK");

  v1::CreateLocationRequest site;
  site.set_kind(v1::LOCATION_KIND_SITE);
  EXPECT_EQ(FieldOf(CheckNewLocation(site)), "name");
  site.set_name("Leiden");
  CC_EXPECT_OK(CheckNewLocation(site));
  site.set_parent_location_id("loc_1");
  EXPECT_EQ(FieldOf(CheckNewLocation(site)), "parent_location_id");
  v1::CreateLocationRequest room;
  room.set_kind(v1::LOCATION_KIND_ROOM);
  room.set_name("Cleanroom B");
  EXPECT_EQ(FieldOf(CheckNewLocation(room)), "parent_location_id");
  room.set_kind(v1::LOCATION_KIND_UNSPECIFIED);
  EXPECT_EQ(FieldOf(CheckNewLocation(room)), "kind");
}

v1::RegisterItemRequest Vessel(
    std::vector<std::pair<std::string, v1::DerivationKind>> parents) {
  v1::RegisterItemRequest request;
  request.set_type(v1::ITEM_TYPE_CULTURE_VESSEL);
  request.set_local_code("V-1");
  for (const auto& [id, kind] : parents) {
    v1::ParentLink* link = request.add_parents();
    link->set_parent_item_id(id);
    link->set_kind(kind);
  }
  return request;
}

TEST(RegistrationTest, TheRequestIsCheckedBeforeAnythingIsRead) {
  CC_ASSERT_OK_AND_ASSIGN(
      Registration ok,
      CheckRegistration(Vessel({{"itm_t", v1::DERIVATION_KIND_PROCESSING},
                                {"itm_m", v1::DERIVATION_KIND_MATERIAL}})));
  EXPECT_EQ(ok.parent_ids, (std::vector<std::string>{"itm_t", "itm_m"}));
  EXPECT_FALSE(ok.ids.din.has_value());

  struct Case {
    v1::RegisterItemRequest request;
    const char* field;
  };
  v1::RegisterItemRequest lot_with_parent =
      Vessel({{"itm_t", v1::DERIVATION_KIND_SPLIT}});
  lot_with_parent.set_type(v1::ITEM_TYPE_DONOR_LOT);
  v1::RegisterItemRequest no_code =
      Vessel({{"itm_t", v1::DERIVATION_KIND_SPLIT}});
  no_code.clear_local_code();
  v1::RegisterItemRequest isbt_like =
      Vessel({{"itm_t", v1::DERIVATION_KIND_SPLIT}});
  isbt_like.set_local_code("=A9999");
  v1::RegisterItemRequest product_alone =
      Vessel({{"itm_t", v1::DERIVATION_KIND_SPLIT}});
  product_alone.set_product_code(*isbt128::EncodeProductCode({"S1295", "4A0"}));
  v1::RegisterItemRequest too_many = Vessel({});
  for (int i = 0; i <= kMaxParents; ++i) {
    v1::ParentLink* link = too_many.add_parents();
    link->set_parent_item_id(absl::StrCat("itm_", i));
    link->set_kind(v1::DERIVATION_KIND_POOL);
  }
  for (const Case& c : std::vector<Case>{
           {lot_with_parent, "parents"},
           {no_code, "din"},
           {isbt_like, "local_code"},
           {product_alone, "din"},
           {too_many, "parents"},
           {Vessel({{"itm_m", v1::DERIVATION_KIND_MATERIAL}}), "parents"},
           {Vessel({{"itm_t", v1::DERIVATION_KIND_SPLIT},
                    {"itm_t", v1::DERIVATION_KIND_POOL}}),
            "parents[1].parent_item_id"},
           {Vessel({{"itm_t", v1::DERIVATION_KIND_UNSPECIFIED}}),
            "parents[0].kind"},
           {Vessel({{"", v1::DERIVATION_KIND_SPLIT}}),
            "parents[0].parent_item_id"}}) {
    SCOPED_TRACE(c.field);
    absl::StatusOr<Registration> refused = CheckRegistration(c.request);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldOf(refused.status()), c.field) << refused.status();
  }

  // A DIN given as data structure 001 is stored as its 13 characters.
  CC_ASSERT_OK_AND_ASSIGN(isbt128::Din din,
                          isbt128::Din::Create("A9999", 26, 4321));
  v1::RegisterItemRequest lot;
  lot.set_type(v1::ITEM_TYPE_DONOR_LOT);
  lot.set_din(*isbt128::EncodeDonationIdentification(din, "00"));
  CC_ASSERT_OK_AND_ASSIGN(Registration registered, CheckRegistration(lot));
  EXPECT_EQ(registered.ids.din, din.ToString());
}

// A dose bag labelled with DIN A9999 26 004321 and product code S1295 4A0.
class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(isbt128::Din din,
                            isbt128::Din::Create("A9999", 26, 4321));
    din_ = din.ToString();
    CC_ASSERT_OK_AND_ASSIGN(ds_, isbt128::EncodeDonationIdentification(
                                     din, isbt128::Type3Flags(din)));
    CC_ASSERT_OK_AND_ASSIGN(product_,
                            isbt128::EncodeProductCode({"S1295", "4A0"}));
    dose_.set_item_id("itm_dose");
    Add(dose_, "din", din_);
    Add(dose_, "product_code", product_);
    lot_.set_item_id("itm_lot");
    Add(lot_, "din", din_);
  }
  static void Add(v1::Item& item, const char* kind, const std::string& value) {
    audit::v1::Isbt128Identifier* id = item.add_isbt128();
    id->set_kind(kind);
    id->set_value(value);
  }

  std::string din_;  // 13 characters
  std::string ds_;
  std::string product_;
  v1::Item dose_;
  v1::Item lot_;
};

TEST_F(ScanTest, AnIsbt128LabelNamesTheItemWithItsDinAndProductCode) {
  EXPECT_TRUE(ScanMatches(dose_, ds_ + product_));
  EXPECT_TRUE(ScanMatches(dose_, "  " + ds_ + product_ + "\n"));  // trimmed
  CC_ASSERT_OK_AND_ASSIGN(std::string compound,
                          isbt128::EncodeCompound({ds_, product_}));
  EXPECT_TRUE(ScanMatches(dose_, compound));
  EXPECT_FALSE(ScanMatches(dose_, ds_));  // the product code is needed
  EXPECT_TRUE(ScanMatches(lot_, ds_));
  EXPECT_TRUE(ScanMatches(lot_, ds_ + product_));  // the lot has none
  CC_ASSERT_OK_AND_ASSIGN(isbt128::Din other,
                          isbt128::Din::Create("A9999", 26, 4322));
  EXPECT_FALSE(ScanMatches(
      dose_, *isbt128::EncodeDonationIdentification(other, "00") + product_));
  EXPECT_FALSE(ScanMatches(lot_, "itm_lot"));  // a DIN item by its id
  EXPECT_EQ(IdentifierOf(dose_, "product_code"), product_);
  EXPECT_EQ(IdentifierOf(dose_, "expiration"), "");
}

TEST_F(ScanTest, ALocalCodeNamesAnItemWithoutADinExactly) {
  v1::Item vessel;
  vessel.set_item_id("itm_v");
  vessel.set_local_code("V-1");
  EXPECT_TRUE(ScanMatches(vessel, "V-1"));
  EXPECT_TRUE(ScanMatches(vessel, "itm_v"));
  EXPECT_FALSE(ScanMatches(vessel, "v-1"));
  EXPECT_FALSE(ScanMatches(vessel, ds_));

  CC_ASSERT_OK_AND_ASSIGN(ScannedIdentity local, ReadScan(" V-1 "));
  EXPECT_FALSE(local.isbt128);
  EXPECT_EQ(local.raw, "V-1");
  CC_ASSERT_OK_AND_ASSIGN(ScannedIdentity label, ReadScan(ds_ + product_));
  EXPECT_TRUE(label.isbt128);
  EXPECT_EQ(label.din, din_);
  EXPECT_EQ(label.product_code, product_);
  for (const std::string& unreadable :
       {std::string(""), std::string("V 1"), std::string("=A9999261234"),
        product_ /* no DIN */}) {
    SCOPED_TRACE(unreadable);
    EXPECT_EQ(FieldOf(ReadScan(unreadable).status()), "scan");
    EXPECT_FALSE(ScanMatches(vessel, unreadable));
  }
}

google::protobuf::Timestamp At(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

TEST(TemperaturesTest, ReadingsAreValidPastAndInRange) {
  const absl::Time now = absl::FromUnixSeconds(1767225600);  // 2026-01-01
  v1::RecordTemperaturesRequest request;
  request.set_item_id("itm_1");
  for (double celsius : {4.0, -196.25}) {
    v1::TemperatureReading* r = request.add_readings();
    *r->mutable_measured_at() = At(now - absl::Minutes(10));
    r->set_celsius(celsius);
  }
  CC_ASSERT_OK_AND_ASSIGN(ReadingColumns columns, CheckReadings(request, now));
  EXPECT_EQ(columns.micros,
            (std::vector<std::string>{"1767225000000000", "1767225000000000"}));
  EXPECT_EQ(columns.celsius, (std::vector<std::string>{"4", "-196.25"}));

  // A logger 4 minutes ahead is within the skew; 6 minutes is not.
  *request.mutable_readings(1)->mutable_measured_at() =
      At(now + absl::Minutes(4));
  CC_EXPECT_OK(CheckReadings(request, now));
  *request.mutable_readings(1)->mutable_measured_at() =
      At(now + absl::Minutes(6));
  absl::Status future = CheckReadings(request, now).status();
  EXPECT_EQ(FieldOf(future), "readings[1].measured_at");
  EXPECT_EQ(
      Message(future),
      "readings[1].measured_at: 2026-01-01T00:06:00Z is in the future "
      "(more than 5m after the "
      "server's time 2026-01-01T00:00:00+00:00): check the logger's clock");
  *request.mutable_readings(1)->mutable_measured_at() = At(now);
  request.mutable_readings(0)->set_celsius(-274);
  EXPECT_EQ(FieldOf(CheckReadings(request, now).status()),
            "readings[0].celsius");
  request.mutable_readings(0)->clear_measured_at();
  EXPECT_EQ(FieldOf(CheckReadings(request, now).status()),
            "readings[0].measured_at");
  request.set_location_id("loc_1");
  EXPECT_EQ(FieldOf(CheckReadings(request, now).status()), "item_id");
  request.clear_location_id();
  request.set_logger_id(std::string(65, 'L'));
  EXPECT_EQ(FieldOf(CheckReadings(request, now).status()), "logger_id");
  request.clear_readings();
  request.clear_logger_id();
  EXPECT_EQ(FieldOf(CheckReadings(request, now).status()), "readings");
}

TEST(TemperaturesTest, NoReadingFromBeforeTheItemExisted) {
  const absl::Time registered = absl::FromUnixSeconds(1767225600);
  v1::RecordTemperaturesRequest request;
  request.set_item_id("itm_1");
  *request.add_readings()->mutable_measured_at() = At(registered);
  *request.add_readings()->mutable_measured_at() =
      At(registered - absl::Microseconds(1));
  absl::Status before =
      CheckReadingsSince(request, absl::ToUnixMicros(registered));
  EXPECT_EQ(FieldOf(before), "readings[1].measured_at");
  EXPECT_EQ(Message(before),
            "readings[1].measured_at: 2025-12-31T23:59:59.999999Z is before "
            "item itm_1 was registered "
            "(2026-01-01T00:00:00Z)");
  request.clear_item_id();
  request.set_location_id("loc_1");
  EXPECT_NE(
      std::string(
          CheckReadingsSince(request, absl::ToUnixMicros(registered)).message())
          .find("location loc_1 was created"),
      std::string::npos);
  request.mutable_readings()->RemoveLast();
  CC_EXPECT_OK(CheckReadingsSince(request, absl::ToUnixMicros(registered)));
}

TEST(TemperaturesTest, ALimitIsARangeOfAnItemType) {
  v1::TemperatureLimit limit;
  limit.set_item_type(v1::ITEM_TYPE_DOSE_BAG);
  limit.set_min_celsius(2);
  limit.set_max_celsius(8);
  CC_EXPECT_OK(CheckLimit(limit));
  limit.set_max_celsius(2);
  EXPECT_EQ(FieldOf(CheckLimit(limit)), "limit.max_celsius");
  limit.set_min_celsius(-300);
  EXPECT_EQ(FieldOf(CheckLimit(limit)), "limit.min_celsius");
  limit.set_item_type(v1::ITEM_TYPE_UNSPECIFIED);
  EXPECT_EQ(FieldOf(CheckLimit(limit)), "limit.item_type");
}

}  // namespace
}  // namespace cellchain::custody
