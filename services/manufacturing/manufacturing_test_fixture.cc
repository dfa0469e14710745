#include "services/manufacturing/manufacturing_test_fixture.h"

#include <utility>

#include "absl/time/civil_time.h"
#include "services/common/crypto/crypto.h"
#include "services/common/status/status.h"
#include "services/common/testing/status_matchers.h"

namespace cellchain::manufacturing {

absl::StatusOr<donor::v1::DonorLot> Lots::GetLot(const std::string& id) {
  auto it = lots.find(id);
  if (it == lots.end()) return absl::NotFoundError("no lot " + id);
  return it->second;
}

absl::Time ShiftedClock::Now() {
  absl::MutexLock lock(&mu_);
  return absl::Now() + offset_;
}

void ShiftedClock::SetBack(absl::Time at) {
  absl::MutexLock lock(&mu_);
  offset_ = at - absl::Now();
}

void ShiftedClock::Reset() {
  absl::MutexLock lock(&mu_);
  offset_ = absl::ZeroDuration();
}

void ManufacturingTest::SetUp() {
  ServiceFixture::SetUp();
  if (HasFatalFailure()) return;
  // The deployment of the reproduction, where one person may hold
  // technician and qa: segregation of duties must hold per signature.
  StartIdentity(SigningIdentityOptions());
  if (HasFatalFailure()) return;
  CC_ASSERT_OK_AND_ASSIGN(pool_, ServicePool("manufacturing"));
  CC_ASSERT_OK_AND_ASSIGN(custody_pool_, ServicePool("custody"));
  CC_ASSERT_OK_AND_ASSIGN(ledger_, ServiceLedger("manufacturing"));
  CC_ASSERT_OK_AND_ASSIGN(custody_ledger_, ServiceLedger("custody"));
  custody_ = std::make_unique<custody::Custody>(
      custody_pool_.get(), custody_ledger_.get(), identity_.get(),
      ledger::RealClock());
  port_ = std::make_unique<custody::DirectCustody>(custody_.get());
  CC_ASSERT_OK(Manufacturing::RegisterStateReaders(registry_));
  BootstrapAdmin();
  if (HasFatalFailure()) return;
  tina_ = MakeUser("tina", "Tina Technician", {common::v1::ROLE_TECHNICIAN},
                   kTinaPassword);
  tom_ = MakeUser("tom", "Tom Technician", {common::v1::ROLE_TECHNICIAN},
                  kTomPassword);
  qa_ = MakeUser("quinn", "Quinn Q. Assurance", {common::v1::ROLE_QA},
                 testing::kQaPassword);
  Build({});
  std::string parent;
  for (auto kind :
       {custody::v1::LOCATION_KIND_SITE, custody::v1::LOCATION_KIND_ROOM}) {
    custody::v1::CreateLocationRequest loc;
    *loc.mutable_context() = Ctx();
    loc.set_kind(kind);
    loc.set_name(kind == custody::v1::LOCATION_KIND_SITE ? "GMP unit"
                                                         : "Incubator 1");
    loc.set_parent_location_id(parent);
    CC_ASSERT_OK_AND_ASSIGN(auto created, custody_->CreateLocation(qa_, loc));
    parent = created.location().location_id();
  }
  incubator_ = parent;
}

std::vector<std::string> ManufacturingTest::FreezerPositions(int count) {
  std::vector<custody::v1::LocationKind> kinds = {
      custody::v1::LOCATION_KIND_SITE, custody::v1::LOCATION_KIND_ROOM,
      custody::v1::LOCATION_KIND_FREEZER, custody::v1::LOCATION_KIND_RACK,
      custody::v1::LOCATION_KIND_BOX};
  kinds.insert(kinds.end(), count, custody::v1::LOCATION_KIND_POSITION);
  std::string parent;
  std::vector<std::string> positions;
  for (custody::v1::LocationKind kind : kinds) {
    custody::v1::CreateLocationRequest loc;
    *loc.mutable_context() = Ctx();
    loc.set_kind(kind);
    loc.set_name(crypto::RandomId("L").substr(0, 10));
    loc.set_parent_location_id(parent);
    absl::StatusOr<custody::v1::CreateLocationResponse> created =
        custody_->CreateLocation(qa_, loc);
    EXPECT_TRUE(created.ok()) << created.status();
    if (!created.ok()) return positions;
    if (kind == custody::v1::LOCATION_KIND_POSITION) {
      positions.push_back(created->location().location_id());
    } else {
      parent = created->location().location_id();
    }
  }
  return positions;
}

void ManufacturingTest::Build(ManufacturingOptions options) {
  options.late_entry_after = absl::Hours(24 * 365);
  BuildAsConfigured(std::move(options));
}

void ManufacturingTest::BuildAsConfigured(ManufacturingOptions options) {
  options.clock = &clock_;
  mfg_ = std::make_unique<Manufacturing>(pool_.get(), ledger_.get(),
                                         identity_.get(), port_.get(), &lots_,
                                         std::move(options));
}

std::string ManufacturingTest::Date(absl::Time t) {
  return absl::FormatCivilTime(absl::ToCivilDay(t, absl::UTCTimeZone()));
}

common::v1::ESignature ManufacturingTest::Performed(const char* password) {
  return Sig(password, common::v1::SIGNATURE_MEANING_PERFORMED);
}

absl::Time ManufacturingTest::T0() {
  static const absl::Time t0 = absl::Now() - absl::Hours(24 * 20);
  return t0;
}

absl::Time ManufacturingTest::Day(double d) {
  return T0() + absl::Seconds(static_cast<int64_t>(d * 86400));
}

donor::v1::DonorLot ManufacturingTest::MakeLot(donor::v1::LotState state,
                                               absl::Duration collected_ago) {
  custody::v1::AllocateDinRequest allocate;
  *allocate.mutable_context() = Ctx();
  allocate.set_fin("A9999");
  auto din = custody_->AllocateDin(tina_, allocate);
  EXPECT_TRUE(din.ok()) << din.status();
  custody::v1::RegisterItemRequest item;
  *item.mutable_context() = Ctx();
  item.set_type(custody::v1::ITEM_TYPE_DONOR_LOT);
  item.set_din(din->data_structure());
  auto registered = custody_->RegisterItem(tina_, item);
  EXPECT_TRUE(registered.ok()) << registered.status();
  donor::v1::DonorLot lot;
  lot.set_lot_id(crypto::RandomId("lot"));
  lot.set_din(din->allocation().din());
  lot.set_item_id(registered->item().item_id());
  lot.set_state(state);
  *lot.mutable_collected_at() = At(absl::Now() - collected_ago);
  lots_.lots[lot.lot_id()] = lot;
  return lot;
}

absl::StatusOr<v1::MaterialLot> ManufacturingTest::Receive(
    v1::MaterialKind kind, const std::string& name,
    const std::string& expires_on) {
  v1::ReceiveMaterialRequest request;
  *request.mutable_context() = Ctx();
  request.set_kind(kind);
  request.set_name(name);
  request.set_supplier("BioSupply GmbH");
  request.set_supplier_lot(crypto::RandomId("L").substr(0, 12));
  request.set_expires_on(expires_on);
  CC_ASSIGN_OR_RETURN(auto r, mfg_->ReceiveMaterial(tina_, request));
  return r.material();
}

absl::StatusOr<v1::MaterialLot> ManufacturingTest::Disposition(
    const std::string& id, bool release) {
  v1::DispositionMaterialRequest request;
  *request.mutable_context() = Ctx(release ? "" : "certificate missing");
  request.set_material_id(id);
  *request.mutable_signature() = Sig(
      testing::kQaPassword, release ? common::v1::SIGNATURE_MEANING_APPROVED
                                    : common::v1::SIGNATURE_MEANING_REJECTED);
  CC_ASSIGN_OR_RETURN(auto r, mfg_->DispositionMaterial(qa_, request));
  return r.material();
}

std::string ManufacturingTest::Medium() {
  clock_.SetBack(T0() - absl::Hours(2));
  auto m = Receive(v1::MATERIAL_KIND_MEDIUM, "MEM alpha",
                   Date(absl::Now() + absl::Hours(24 * 365)));
  EXPECT_TRUE(m.ok()) << m.status();
  auto released = Disposition(m->material_id(), true);
  EXPECT_TRUE(released.ok()) << released.status();
  clock_.Reset();
  return m->material_id();
}

absl::StatusOr<v1::Equipment> ManufacturingTest::Equipment(
    const std::string& tag, absl::Time calibrated, absl::Time due) {
  v1::RegisterEquipmentRequest request;
  *request.mutable_context() = Ctx();
  request.set_kind(v1::EQUIPMENT_KIND_INCUBATOR);
  request.set_name("CO2 incubator " + tag);
  request.set_asset_tag(tag);
  request.set_calibrated_on(Date(calibrated));
  request.set_calibration_due(Date(due));
  request.set_calibration_reference("CAL-" + tag);
  CC_ASSIGN_OR_RETURN(auto r, mfg_->RegisterEquipment(qa_, request));
  return r.equipment();
}

absl::StatusOr<v1::Batch> ManufacturingTest::Start(
    const donor::v1::DonorLot& lot, std::string process) {
  v1::StartBatchRequest request;
  *request.mutable_context() = Ctx();
  request.set_donor_lot_id(lot.lot_id());
  request.set_process_version(std::move(process));
  clock_.SetBack(T0() - absl::Hours(1));
  absl::StatusOr<v1::StartBatchResponse> r = mfg_->StartBatch(tina_, request);
  clock_.Reset();
  if (!r.ok()) return r.status();
  return r->batch();
}

v1::RecordProcessingRequest ManufacturingTest::Processing(
    const std::string& batch_id, absl::Time start) {
  v1::RecordProcessingRequest request;
  *request.mutable_context() = Ctx();
  request.set_batch_id(batch_id);
  request.set_location_id(incubator_);
  v1::StepValues* v = request.mutable_values();
  v->set_method(v1::PROCESSING_METHOD_EXPLANT);
  v->set_tissue_grams(12.5);
  v->set_vessel_type("T75 flask");
  v->set_vessel_count(2);
  *v->mutable_seeded_at() = At(start);
  *request.mutable_signature() = Performed();
  return request;
}

absl::StatusOr<v1::Step> ManufacturingTest::Harvest(const std::string& step_id,
                                                    absl::Time at, double cells,
                                                    const char* password) {
  v1::RecordHarvestRequest request;
  *request.mutable_context() = Ctx();
  request.set_step_id(step_id);
  *request.mutable_values()->mutable_harvested_at() = At(at);
  request.mutable_values()->set_harvested_viable_cells(cells);
  request.mutable_values()->set_viability_percent(94.5);
  request.mutable_values()->set_confluence_percent(85);
  *request.mutable_signature() = Performed(password);
  CC_ASSIGN_OR_RETURN(auto r, mfg_->RecordHarvest(tina_, request));
  return r.step();
}

v1::SeedPassageRequest ManufacturingTest::Seed(
    const std::string& source, absl::Time at, double cells, int vessels,
    v1::LeftoverDisposition leftover) {
  v1::SeedPassageRequest request;
  *request.mutable_context() = Ctx();
  request.set_source_step_id(source);
  request.set_location_id(incubator_);
  v1::StepValues* v = request.mutable_values();
  v->set_vessel_type("T175 flask");
  v->set_vessel_count(vessels);
  *v->mutable_seeded_at() = At(at);
  v->set_seeded_viable_cells(cells);
  v->set_leftover(leftover);
  *request.mutable_signature() = Performed();
  return request;
}

absl::StatusOr<v1::Step> ManufacturingTest::Verify(const v1::Step& step,
                                                   const auth::Principal& who,
                                                   const char* password) {
  v1::VerifyStepRequest request;
  *request.mutable_context() = Ctx();
  request.set_step_id(step.step_id());
  request.set_revision(step.revision());
  *request.mutable_signature() =
      Sig(password, common::v1::SIGNATURE_MEANING_VERIFIED);
  CC_ASSIGN_OR_RETURN(auto r, mfg_->VerifyStep(who, request));
  return r.step();
}

ManufacturingTest::Processed ManufacturingTest::MakeProcessed() {
  Processed out;
  out.lot = MakeLot();
  out.medium = Medium();
  auto batch = Start(out.lot);
  EXPECT_TRUE(batch.ok()) << batch.status();
  out.batch = *batch;
  v1::RecordProcessingRequest request = Processing(batch->batch_id(), T0());
  v1::MaterialUse* use = request.mutable_values()->add_materials();
  use->set_material_id(out.medium);
  use->set_quantity("50 ml");
  auto p0 = mfg_->RecordProcessing(tina_, request);
  EXPECT_TRUE(p0.ok()) << p0.status();
  auto harvested = Harvest(p0->step().step_id(), Day(8), 4e6);
  EXPECT_TRUE(harvested.ok()) << harvested.status();
  out.p0 = *harvested;
  return out;
}

custody::v1::Item ManufacturingTest::Item(const std::string& item_id) {
  custody::v1::GetItemRequest request;
  request.set_item_id(item_id);
  auto item = custody_->GetItem(request);
  EXPECT_TRUE(item.ok()) << item.status();
  return item.ok() ? item->item() : custody::v1::Item();
}

std::vector<std::string> ManufacturingTest::ParentsOf(
    const std::string& item_id) {
  std::vector<std::string> out;
  custody::v1::Item item = Item(item_id);
  for (const auto& link : item.parents()) {
    out.push_back(link.parent_item_id());
  }
  return out;
}

int64_t ManufacturingTest::Steps() {
  return Count("SELECT count(*) FROM cellchain_manufacturing.steps");
}

}  // namespace cellchain::manufacturing
