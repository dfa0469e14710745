#include "services/manufacturing/manufacturing.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/pg/proto_row.h"
#include "services/common/status/status.h"
#include "services/isbt128/data_structures.h"
#include "services/isbt128/din.h"
#include "services/ledger/recorder.h"
#include "services/ledger/request_bytes.h"
#include "services/manufacturing/custody_items.h"
#include "services/manufacturing/growth.h"
#include "services/manufacturing/manufacturing_internal.h"
#include "services/manufacturing/step_rules.h"
#include "services/manufacturing/step_values.h"
#include "services/manufacturing/store.h"

namespace cellchain::manufacturing {
namespace {

using audit::v1::Isbt128Identifier;
using common::v1::SignatureMeaning;
using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;
using fields::Blank;
using fields::kMaxText;
using fields::Micros;
using fields::RequirePastTime;
using fields::RequireText;
using fields::ToTime;
constexpr auto Ts = fields::TimestampParam;

// Vessels live in a place (an incubator), which holds them in custody, so
// that whoever harvests or discards them later may end them.
constexpr char kVesselPlace[] =
    "required: the custody location (incubator) the vessels are put in";

using ledger::RequestBytes;

// "MAT-" and 8 characters of Crockford's base32, from the same derivation.
std::string MaterialCode(std::string_view request_id) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  crypto::Sha256Digest digest = crypto::Sha256(
      absl::StrCat(std::string(request_id), "/ReceiveMaterial/code"));
  std::string code = "MAT-";
  for (int i = 0; i < 8; ++i) code += kAlphabet[digest[i] % 32];
  return code;
}

}  // namespace

// An id that a retry of the same request gets again: the custody items a
// request registers before its transaction are named after it.
std::string StableId(std::string_view prefix, std::string_view method,
                     std::string_view request_id) {
  return absl::StrCat(std::string(prefix), "_",
                      idempotency::DerivedRequestId(
                          request_id, absl::StrCat(std::string(method), "/id"))
                          .substr(0, 24));
}

audit::v1::Isbt128Identifier DinOf(const v1::Batch& batch) {
  audit::v1::Isbt128Identifier din;
  din.set_kind("din");
  din.set_value(batch.din());
  return din;
}

absl::StatusOr<auth::Signature> SignAs(auth::SignatureAuthority& authority,
                                       const auth::Principal& caller,
                                       const common::v1::ESignature& signature,
                                       SignatureMeaning meaning,
                                       std::string_view method,
                                       const std::string& request_id) {
  return auth::Sign(authority, caller, signature, {meaning},
                    {.method = absl::StrCat("/", kServiceName, "/",
                                            std::string(method)),
                     .workstation = caller.workstation,
                     .request_id = request_id});
}

Manufacturing::Manufacturing(pg::Pool* pool, const ledger::Ledger* ledger,
                             auth::SignatureAuthority* signatures,
                             custody::CustodyPort* custody,
                             DonorLotPort* donor_lots,
                             ManufacturingOptions options)
    : pool_(pool),
      ledger_(ledger),
      signatures_(signatures),
      custody_(custody),
      donor_lots_(donor_lots),
      options_(std::move(options)) {}

absl::Status Manufacturing::RegisterStateReaders(
    ledger::StateRegistry& registry) {
  using C = pg::Connection;
  using Id = const std::string&;
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::MaterialLot>(
      registry, "material_lot",
      [](C& c, Id id) { return LoadMaterial(c, id); },
      ledger::IdsFrom(
          "SELECT material_id FROM cellchain_manufacturing.materials")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Equipment>(
      registry, "equipment", [](C& c, Id id) { return LoadEquipment(c, id); },
      ledger::IdsFrom(
          "SELECT equipment_id FROM cellchain_manufacturing.equipment")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Batch>(
      registry, "batch", [](C& c, Id id) { return LoadBatch(c, id); },
      ledger::IdsFrom("SELECT batch_id FROM cellchain_manufacturing.batches")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Step>(
      registry, "batch_step", [](C& c, Id id) { return LoadStep(c, id); },
      ledger::IdsFrom("SELECT step_id FROM cellchain_manufacturing.steps")));
  return ledger::RegisterProtoReader<v1::Deviation>(
      registry, "batch_deviation",
      [](C& c, Id id) { return LoadDeviation(c, id); },
      ledger::IdsFrom(
          "SELECT deviation_id FROM cellchain_manufacturing.deviations"));
}

const Process* Manufacturing::FindProcess(const std::string& version) const {
  auto it = options_.processes.find(version);
  return it == options_.processes.end() ? nullptr : &it->second;
}

// ---- materials --------------------------------------------------------------

absl::StatusOr<v1::ReceiveMaterialResponse> Manufacturing::ReceiveMaterial(
    const P& caller, const v1::ReceiveMaterialRequest& request) {
  if (request.kind() == v1::MATERIAL_KIND_UNSPECIFIED ||
      !v1::MaterialKind_IsValid(request.kind())) {
    return InvalidField("kind", "a material kind is required");
  }
  CC_RETURN_IF_ERROR(RequireText(request.name(), "name", 200));
  CC_RETURN_IF_ERROR(RequireText(request.supplier(), "supplier", 200));
  CC_RETURN_IF_ERROR(RequireText(request.supplier_lot(), "supplier_lot", 64));
  CC_RETURN_IF_ERROR(RequireDate(request.expires_on(), "expires_on").status());
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  const std::string id = StableId("mat", "ReceiveMaterial", request_id);
  const std::string code = MaterialCode(request_id);
  {
    // Refused before a custody item is made for it.
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(
        pg::Result r,
        lease->Exec("SELECT material_id FROM cellchain_manufacturing.materials "
                    "WHERE supplier = $1 AND supplier_lot = $2 AND name = $3 "
                    "AND material_id <> $4",
                    {request.supplier(), request.supplier_lot(),
                     request.name(), id}));
    if (r.rows() > 0) {
      CC_ASSIGN_OR_RETURN(std::string other, r.GetString(0, 0));
      return absl::AlreadyExistsError(absl::StrCat(
          "lot ", request.supplier_lot(), " of ", request.name(), " from ",
          request.supplier(), " was received already as ", other));
    }
  }
  CC_ASSIGN_OR_RETURN(
      custody::v1::RegisterItemResponse item,
      custody_->RegisterItem(caller, MaterialItemRequest(request, code)));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::ReceiveMaterialResponse>(
      *pool_, {kServiceName, "ReceiveMaterial", request_id}, bytes,
      [&](pg::Transaction& tx, v1::ReceiveMaterialResponse& response) {
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_manufacturing.materials "
                    "(material_id, material_code, kind, name, supplier, "
                    "supplier_lot, expires_on, item_id, received_by, "
                    "received_at) VALUES ($1, $2, $3, $4, $5, $6, $7::date, "
                    "$8, $9, now())",
                    {id, code, static_cast<int>(request.kind()),
                     request.name(), request.supplier(),
                     request.supplier_lot(), request.expires_on(),
                     item.item().item_id(), caller.user_id})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_material(),
                            LoadMaterial(tx, id));
        ledger::Recorder audit(tx, *ledger_, auth::ActorOf(caller),
                               request_id);
        return audit
            .Append("material.receive", "material_lot", id,
                    response.material())
            .status();
      });
}

absl::StatusOr<v1::DispositionMaterialResponse>
Manufacturing::DispositionMaterial(
    const P& caller, const v1::DispositionMaterialRequest& request) {
  if (request.material_id().empty()) {
    return InvalidField("material_id", "required");
  }
  const bool release = request.signature().meaning() ==
                       common::v1::SIGNATURE_MEANING_APPROVED;
  if (request.signature().meaning() ==
      common::v1::SIGNATURE_MEANING_REJECTED) {
    CC_RETURN_IF_ERROR(
        RequireText(request.context().reason(), "context.reason"));
  }
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      auth::Sign(*signatures_, caller, request.signature(),
                 {common::v1::SIGNATURE_MEANING_APPROVED,
                  common::v1::SIGNATURE_MEANING_REJECTED},
                 {.method = absl::StrCat("/", kServiceName,
                                         "/DispositionMaterial"),
                  .workstation = caller.workstation,
                  .request_id = request_id}));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::DispositionMaterialResponse>(
      *pool_, {kServiceName, "DispositionMaterial", request_id}, bytes,
      [&](pg::Transaction& tx, v1::DispositionMaterialResponse& response) {
        CC_ASSIGN_OR_RETURN(v1::MaterialLot material,
                            LoadMaterial(tx, request.material_id()));
        CC_RETURN_IF_ERROR(
            tx.Exec("SELECT 1 FROM cellchain_manufacturing.materials "
                    "WHERE material_id = $1 FOR UPDATE",
                    {material.material_id()})
                .status());
        CC_ASSIGN_OR_RETURN(material, LoadMaterial(tx, material.material_id()));
        if (release) {
          // Segregation of duties: whoever received the lot may not release
          // it. Rejecting takes material out of use and needs no such
          // independence.
          common::v1::EntityRef lot;
          lot.set_type("material_lot");
          lot.set_id(material.material_id());
          CC_RETURN_IF_ERROR(auth::CheckSegregationOfDuties(
              tx, signature.actor.user_id(), {lot}));
        }
        if (material.status() != v1::MATERIAL_STATUS_QUARANTINE) {
          return FailedRule(
              kReasonMaterialStatus,
              absl::StrCat("material lot ", material.material_code(), " is ",
                           v1::MaterialStatus_Name(material.status()),
                           ", not in quarantine"));
        }
        CC_ASSIGN_OR_RETURN(absl::CivilDay expires,
                            RequireDate(material.expires_on(), "expires_on"));
        if (release && expires < DayOf(absl::Now())) {
          return FailedRule(kReasonMaterialExpired,
                            absl::StrCat("material lot ",
                                         material.material_code(),
                                         " expired on ", material.expires_on(),
                                         ": it cannot be released"));
        }
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_manufacturing.materials SET status = $2, "
                    "dispositioned_by = $3, dispositioned_at = now(), "
                    "rejection_reason = $4, version = version + 1 "
                    "WHERE material_id = $1",
                    {material.material_id(), release ? 2 : 3,
                     signature.actor.user_id(),
                     release ? pg::Param::Null()
                             : pg::Param(request.context().reason())})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_material(),
                            LoadMaterial(tx, material.material_id()));
        ledger::Recorder audit(tx, *ledger_, signature.actor, request_id);
        return audit
            .Append(release ? "material.release" : "material.reject",
                    "material_lot", material.material_id(),
                    response.material(),
                    release ? "" : request.context().reason(), {},
                    signature.manifestation)
            .status();
      });
}

absl::StatusOr<v1::GetMaterialResponse> Manufacturing::GetMaterial(
    const v1::GetMaterialRequest& request) {
  if (request.material_id().empty()) {
    return InvalidField("material_id", "required");
  }
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  v1::GetMaterialResponse response;
  CC_ASSIGN_OR_RETURN(*response.mutable_material(),
                      LoadMaterial(*lease, request.material_id()));
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      lease->Exec("SELECT c.step_id FROM cellchain_manufacturing.consumptions c "
                  "JOIN cellchain_manufacturing.steps s USING (step_id) "
                  "WHERE c.material_id = $1 ORDER BY s.created_at, c.step_id",
                  {response.material().material_id()}));
  for (int row = 0; row < r.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(*response.add_step_ids(), r.GetString(row, 0));
  }
  return response;
}

absl::StatusOr<v1::ListMaterialsResponse> Manufacturing::ListMaterials(
    const v1::ListMaterialsRequest& request) {
  if (!v1::MaterialStatus_IsValid(request.status())) {
    return InvalidField("status", "not a material status");
  }
  if (!v1::MaterialKind_IsValid(request.kind())) {
    return InvalidField("kind", "not a material kind");
  }
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::MaterialLot> rows,
      LoadRows<v1::MaterialLot>(
          *lease,
          absl::StrCat(MaterialSelect(),
                       "WHERE ($1::int = 0 OR status = $1::int) "
                       "AND ($2::int = 0 OR kind = $2::int) "
                       "ORDER BY lower(name), expires_on, material_id LIMIT ",
                       kMaxList),
          {static_cast<int>(request.status()),
           static_cast<int>(request.kind())}));
  v1::ListMaterialsResponse response;
  for (v1::MaterialLot& m : rows) *response.add_materials() = std::move(m);
  return response;
}

// ---- equipment --------------------------------------------------------------

namespace {

absl::Status CheckCalibration(const std::string& on, const std::string& due,
                              std::string_view reference) {
  CC_ASSIGN_OR_RETURN(absl::CivilDay calibrated,
                      RequireDate(on, "calibrated_on"));
  CC_ASSIGN_OR_RETURN(absl::CivilDay until,
                      RequireDate(due, "calibration_due"));
  if (calibrated > DayOf(absl::Now())) {
    return InvalidField("calibrated_on", "lies in the future");
  }
  if (until < calibrated) {
    return InvalidField("calibration_due", "before calibrated_on");
  }
  return RequireText(reference, "calibration_reference", 200);
}

bool IsCode(std::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] == '=' || s[0] == '&') return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("-_.:/").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<v1::RegisterEquipmentResponse> Manufacturing::RegisterEquipment(
    const P& caller, const v1::RegisterEquipmentRequest& request) {
  if (request.kind() == v1::EQUIPMENT_KIND_UNSPECIFIED ||
      !v1::EquipmentKind_IsValid(request.kind())) {
    return InvalidField("kind", "an equipment kind is required");
  }
  CC_RETURN_IF_ERROR(RequireText(request.name(), "name", 200));
  if (!IsCode(request.asset_tag())) {
    return InvalidField("asset_tag",
                        "1 to 64 characters of A-Z a-z 0-9 - _ . : /");
  }
  CC_RETURN_IF_ERROR(CheckCalibration(request.calibrated_on(),
                                      request.calibration_due(),
                                      request.calibration_reference()));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  const std::string id = StableId("eqp", "RegisterEquipment", request_id);
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(
        pg::Result r,
        lease->Exec("SELECT 1 FROM cellchain_manufacturing.equipment "
                    "WHERE asset_tag = $1 AND equipment_id <> $2",
                    {request.asset_tag(), id}));
    if (r.rows() > 0) {
      return absl::AlreadyExistsError(
          absl::StrCat("asset tag ", request.asset_tag(),
                       " is registered already"));
    }
  }
  CC_ASSIGN_OR_RETURN(
      custody::v1::RegisterItemResponse item,
      custody_->RegisterItem(caller, EquipmentItemRequest(request)));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::RegisterEquipmentResponse>(
      *pool_, {kServiceName, "RegisterEquipment", request_id}, bytes,
      [&](pg::Transaction& tx, v1::RegisterEquipmentResponse& response) {
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_manufacturing.equipment "
                    "(equipment_id, kind, name, asset_tag, calibrated_on, "
                    "calibration_due, calibration_reference, item_id) VALUES "
                    "($1, $2, $3, $4, $5::date, $6::date, $7, $8)",
                    {id, static_cast<int>(request.kind()), request.name(),
                     request.asset_tag(), request.calibrated_on(),
                     request.calibration_due(),
                     request.calibration_reference(), item.item().item_id()})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_equipment(),
                            LoadEquipment(tx, id));
        ledger::Recorder audit(tx, *ledger_, auth::ActorOf(caller),
                               request_id);
        return audit
            .Append("equipment.register", "equipment", id,
                    response.equipment())
            .status();
      });
}

absl::StatusOr<v1::RecordCalibrationResponse> Manufacturing::RecordCalibration(
    const P& caller, const v1::RecordCalibrationRequest& request) {
  if (request.equipment_id().empty()) {
    return InvalidField("equipment_id", "required");
  }
  CC_RETURN_IF_ERROR(CheckCalibration(request.calibrated_on(),
                                      request.calibration_due(),
                                      request.calibration_reference()));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::RecordCalibrationResponse>(
      *pool_, {kServiceName, "RecordCalibration", request_id}, bytes,
      [&](pg::Transaction& tx, v1::RecordCalibrationResponse& response) {
        CC_ASSIGN_OR_RETURN(v1::Equipment equipment,
                            LoadEquipment(tx, request.equipment_id()));
        CC_ASSIGN_OR_RETURN(
            pg::Result updated,
            tx.Exec("UPDATE cellchain_manufacturing.equipment SET "
                    "calibrated_on = $2::date, calibration_due = $3::date, "
                    "calibration_reference = $4, version = version + 1 "
                    "WHERE equipment_id = $1 AND calibrated_on <= $2::date "
                    "RETURNING 1",
                    {equipment.equipment_id(), request.calibrated_on(),
                     request.calibration_due(),
                     request.calibration_reference()}));
        if (updated.rows() == 0) {
          return InvalidField("calibrated_on",
                              absl::StrCat("before the last calibration (",
                                           equipment.calibrated_on(), ")"));
        }
        CC_ASSIGN_OR_RETURN(*response.mutable_equipment(),
                            LoadEquipment(tx, equipment.equipment_id()));
        ledger::Recorder audit(tx, *ledger_, auth::ActorOf(caller),
                               request_id);
        return audit
            .Append("equipment.calibration", "equipment",
                    equipment.equipment_id(), response.equipment())
            .status();
      });
}

absl::StatusOr<v1::SetEquipmentStatusResponse>
Manufacturing::SetEquipmentStatus(const P& caller,
                                  const v1::SetEquipmentStatusRequest& request) {
  if (request.equipment_id().empty()) {
    return InvalidField("equipment_id", "required");
  }
  if (request.status() == v1::EQUIPMENT_STATUS_UNSPECIFIED ||
      !v1::EquipmentStatus_IsValid(request.status())) {
    return InvalidField("status", "IN_SERVICE or OUT_OF_SERVICE");
  }
  CC_RETURN_IF_ERROR(RequireText(request.context().reason(), "context.reason"));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::SetEquipmentStatusResponse>(
      *pool_, {kServiceName, "SetEquipmentStatus", request_id}, bytes,
      [&](pg::Transaction& tx, v1::SetEquipmentStatusResponse& response) {
        CC_ASSIGN_OR_RETURN(v1::Equipment equipment,
                            LoadEquipment(tx, request.equipment_id()));
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_manufacturing.equipment SET status = $2, "
                    "status_reason = $3, version = version + 1 "
                    "WHERE equipment_id = $1",
                    {equipment.equipment_id(),
                     static_cast<int>(request.status()),
                     request.context().reason()})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_equipment(),
                            LoadEquipment(tx, equipment.equipment_id()));
        ledger::Recorder audit(tx, *ledger_, auth::ActorOf(caller),
                               request_id);
        return audit
            .Append("equipment.status", "equipment", equipment.equipment_id(),
                    response.equipment(), request.context().reason())
            .status();
      });
}

absl::StatusOr<v1::ListEquipmentResponse> Manufacturing::ListEquipment(
    const v1::ListEquipmentRequest& request) {
  if (!v1::EquipmentKind_IsValid(request.kind())) {
    return InvalidField("kind", "not an equipment kind");
  }
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Equipment> rows,
      LoadRows<v1::Equipment>(
          *lease,
          absl::StrCat(EquipmentSelect(),
                       "WHERE ($1::int = 0 OR kind = $1::int) "
                       "ORDER BY asset_tag LIMIT ",
                       kMaxList),
          {static_cast<int>(request.kind())}));
  v1::ListEquipmentResponse response;
  for (v1::Equipment& e : rows) *response.add_equipment() = std::move(e);
  return response;
}

// ---- steps: values, uses, plans ---------------------------------------------

// ---- batches ----------------------------------------------------------------

namespace {

// Segregation of duties for a deviation's assessment: whoever recorded the
// deviation, or performed, verified or corrected the step it is about, may
// not assess it; a deviation of the batch as a whole is about the batch's
// start and every step of it. PERMISSION_DENIED SEGREGATION_OF_DUTIES.
absl::Status CheckDeviationIndependence(pg::Transaction& tx,
                                        const std::string& signer_user_id,
                                        const v1::Deviation& deviation) {
  auto ref = [](std::string type, std::string id) {
    common::v1::EntityRef entity;
    entity.set_type(std::move(type));
    entity.set_id(std::move(id));
    return entity;
  };
  std::vector<common::v1::EntityRef> entities = {
      ref("batch_deviation", deviation.deviation_id())};
  if (!deviation.step_id().empty()) {
    entities.push_back(ref("batch_step", deviation.step_id()));
  } else {
    entities.push_back(ref("batch", deviation.batch_id()));
    CC_ASSIGN_OR_RETURN(
        pg::Result steps,
        tx.Exec("SELECT step_id FROM cellchain_manufacturing.steps "
                "WHERE batch_id = $1",
                {deviation.batch_id()}));
    for (int row = 0; row < steps.rows(); ++row) {
      CC_ASSIGN_OR_RETURN(std::string id, steps.GetString(row, 0));
      entities.push_back(ref("batch_step", std::move(id)));
    }
  }
  return auth::CheckSegregationOfDuties(tx, signer_user_id, entities);
}

bool Definitive(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return true;
    default:
      return false;
  }
}

}  // namespace

absl::StatusOr<v1::StartBatchResponse> Manufacturing::StartBatch(
    const P& caller, const v1::StartBatchRequest& request) {
  if (request.donor_lot_id().empty()) {
    return InvalidField("donor_lot_id", "required");
  }
  std::string process_version = request.process_version().empty()
                                    ? options_.default_process
                                    : request.process_version();
  if (FindProcess(process_version) == nullptr) {
    std::vector<std::string> known;
    for (const auto& [name, process] : options_.processes) known.push_back(name);
    std::sort(known.begin(), known.end());
    return FailedRule(kReasonProcessUnknown,
                      absl::StrCat("no process \"", process_version,
                                   "\" (known: ", absl::StrJoin(known, ", "),
                                   ")"));
  }
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(donor::v1::DonorLot lot,
                      donor_lots_->GetLot(request.donor_lot_id()));
  if (lot.state() != donor::v1::LOT_STATE_AVAILABLE) {
    return FailedRule(
        kReasonDonorLotNotAvailable,
        absl::StrCat("donor lot ", lot.lot_id(), " is ",
                     donor::v1::LotState_Name(lot.state()).substr(10),
                     ": a batch starts only from a lot QA released"));
  }
  custody::v1::GetItemRequest get;
  get.set_item_id(lot.item_id());
  CC_ASSIGN_OR_RETURN(custody::v1::GetItemResponse item,
                      custody_->GetItem(get));
  if (item.item().on_hold()) {
    return FailedRule(kReasonDonorLotNotAvailable,
                      absl::StrCat("donor lot ", lot.lot_id(),
                                   " is on hold in custody (item ",
                                   lot.item_id(), ")"));
  }
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::StartBatchResponse>(
      *pool_, {kServiceName, "StartBatch", request_id}, bytes,
      [&](pg::Transaction& tx, v1::StartBatchResponse& response) {
        std::string id = crypto::RandomId("bat");
        CC_RETURN_IF_ERROR(
            tx.Exec(absl::StrCat(
                        "INSERT INTO cellchain_manufacturing.batches "
                        "(batch_id, donor_lot_id, donor_lot_item_id, din, "
                        "collected_at, process_version, started_by, "
                        "started_at) VALUES ($1, $2, $3, $4, ",
                        Ts(5), ", $6, $7, now())"),
                    {id, lot.lot_id(), lot.item_id(), lot.din(),
                     Micros(lot.collected_at()), process_version,
                     caller.user_id})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_batch(), LoadBatch(tx, id));
        ledger::Recorder audit(tx, *ledger_, auth::ActorOf(caller),
                               request_id);
        return audit
            .Append("batch.start", "batch", id, response.batch(), "",
                    {DinOf(response.batch())})
            .status();
      });
}

absl::StatusOr<v1::Step> Manufacturing::RecordNewStep(
    const P& caller, NewStep& step, std::vector<v1::Deviation>* raised) {
  step.step_id = StableId("stp", step.method, step.request_id);
  // Where the batch is: named, or the source step's.
  std::string batch_id = step.batch_id;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    if (batch_id.empty()) {
      CC_ASSIGN_OR_RETURN(
          pg::Result r,
          lease->Exec("SELECT batch_id FROM cellchain_manufacturing.steps "
                      "WHERE step_id = $1",
                      {step.source_step_id}));
      if (r.rows() == 0) {
        return NotFound("step", step.source_step_id, "STEP_NOT_FOUND");
      }
      CC_ASSIGN_OR_RETURN(batch_id, r.GetString(0, 0));
    }
  }
  const int item_count =
      step.kind == v1::STEP_KIND_CRYOPRESERVATION
          ? static_cast<int>(step.positions.size())
          : (IsCulture(step.kind) ? step.values.vessel_count() : 1);
  // Reads the batch, the uses and the plan; `lock` inside the transaction.
  auto plan_on = [&](auto& executor, bool lock,
                     BatchView& view) -> absl::StatusOr<Plan> {
    CC_ASSIGN_OR_RETURN(view, LoadView(executor, batch_id, lock));
    const Process* process = FindProcess(view.batch.process_version());
    if (process == nullptr) {
      return FailedRule(kReasonProcessUnknown,
                        absl::StrCat("batch ", batch_id, "'s process ",
                                     view.batch.process_version(),
                                     " is not configured on this server"));
    }
    std::vector<std::string> material_ids = MaterialIds(step.values);
    std::vector<std::string> equipment_ids = EquipmentIds(step.values);
    if (const v1::Step* source = view.Find(step.source_step_id)) {
      for (std::string& id : MaterialIds(source->values())) {
        material_ids.push_back(std::move(id));
      }
      for (std::string& id : EquipmentIds(source->values())) {
        equipment_ids.push_back(std::move(id));
      }
    }
    CC_ASSIGN_OR_RETURN(Uses uses, LoadUses(executor, material_ids,
                                            equipment_ids, lock));
    return PlanStep(view, *process, options_, uses, step.kind,
                    step.source_step_id, step.values, item_count);
  };
  Plan plan;
  std::string din;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    // A retry of a step that was recorded skips the rules (they held when
    // it was recorded, and the step itself now counts against them): its
    // custody calls and transaction replay their first answers.
    CC_ASSIGN_OR_RETURN(
        pg::Result recorded,
        lease->Exec("SELECT 1 FROM cellchain_manufacturing.steps "
                    "WHERE step_id = $1",
                    {step.step_id}));
    BatchView view;
    if (recorded.rows() == 0) {
      CC_ASSIGN_OR_RETURN(plan, plan_on(*lease, false, view));
    } else {
      CC_ASSIGN_OR_RETURN(v1::Step done, LoadStep(*lease, step.step_id));
      CC_ASSIGN_OR_RETURN(view, LoadView(*lease, batch_id, false));
      plan.passage_number = done.passage_number();
      custody::v1::Item first =
          Item(*custody_, done.item_ids_size() > 0 ? done.item_ids(0)
                                                   : done.vials(0).item_id());
      plan.parents.assign(first.parents().begin(), first.parents().end());
      if (const v1::Step* source = view.Find(done.source_step_id());
          source != nullptr && source->kind() == v1::STEP_KIND_THAW) {
        plan.end_after.push_back(source->values().vial_item_id());
      }
    }
    din = view.batch.din();
  }
  // The custody items, derived from their parents.
  std::vector<std::string> item_ids;
  for (int i = 0; i < item_count; ++i) {
    CC_ASSIGN_OR_RETURN(
        custody::v1::RegisterItemRequest r,
        StepItemRequest(step, plan.parents, plan.passage_number, din,
                        options_, i, item_count));
    CC_ASSIGN_OR_RETURN(custody::v1::RegisterItemResponse item,
                        custody_->RegisterItem(caller, r));
    if (item.item().state() == custody::v1::ITEM_STATE_DISCARDED) {
      return FailedRule(
          "REQUEST_REFUSED_BEFORE",
          absl::StrCat("request ", step.request_id,
                       " was refused before and its custody items were "
                       "discarded: record the step again with a new request "
                       "id"));
    }
    item_ids.push_back(item.item().item_id());
  }
  CC_ASSIGN_OR_RETURN(std::string values_bytes,
                      ledger::SerializeDeterministic(step.values));
  const bool in_culture = IsCulture(step.kind);
  absl::StatusOr<v1::Step> result = [&]() -> absl::StatusOr<v1::Step> {
    // The stored response is the step; the deviations it raised are read
    // back from the store on a replay.
    std::vector<v1::Deviation> deviations;
    absl::StatusOr<v1::Step> stored = idempotency::RunOnce<v1::Step>(
        *pool_, {kServiceName, step.method, step.request_id},
        step.request_bytes, [&](pg::Transaction& tx, v1::Step& response) {
          deviations.clear();  // the transaction may be run again
          BatchView view;
          CC_ASSIGN_OR_RETURN(Plan locked, plan_on(tx, true, view));
          CC_RETURN_IF_ERROR(
              tx.Exec("INSERT INTO cellchain_manufacturing.steps (step_id, "
                      "batch_id, kind, passage_number, source_step_id, "
                      "status, step_values, recorded_by, recorded_at, "
                      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                      "now(), clock_timestamp())",
                      {step.step_id, batch_id, static_cast<int>(step.kind),
                       locked.passage_number,
                       step.source_step_id.empty()
                           ? pg::Param::Null()
                           : pg::Param(step.source_step_id),
                       in_culture ? 1 : 2, pg::Param::Bytes(values_bytes),
                       step.signature.actor.user_id()})
                  .status());
          CC_RETURN_IF_ERROR(
              tx.Exec("INSERT INTO cellchain_manufacturing.step_revisions "
                      "(step_id, revision, step_values, recorded_by, "
                      "recorded_at) VALUES ($1, 1, $2, $3, now())",
                      {step.step_id, pg::Param::Bytes(values_bytes),
                       step.signature.actor.user_id()})
                  .status());
          for (size_t i = 0; i < item_ids.size(); ++i) {
            int role = step.kind == v1::STEP_KIND_CRYOPRESERVATION ? kVial
                       : step.kind == v1::STEP_KIND_PRODUCT_HARVEST
                           ? kProductLot
                           : kVessel;
            CC_RETURN_IF_ERROR(
                tx.Exec("INSERT INTO cellchain_manufacturing.step_items "
                        "(step_id, ordinal, item_id, role, "
                        "position_location_id) VALUES ($1, $2, $3, $4, $5)",
                        {step.step_id, static_cast<int64_t>(i), item_ids[i],
                         role,
                         role == kVial ? pg::Param(step.positions[i])
                                       : pg::Param::Null()})
                    .status());
          }
          for (const v1::MaterialUse& use : step.values.materials()) {
            CC_RETURN_IF_ERROR(
                tx.Exec("INSERT INTO cellchain_manufacturing.consumptions "
                        "(step_id, material_id) VALUES ($1, $2)",
                        {step.step_id, use.material_id()})
                    .status());
          }
          ledger::Recorder audit(tx, *ledger_, step.signature.actor,
                                 step.request_id);
          if (step.kind == v1::STEP_KIND_PRODUCT_HARVEST) {
            CC_RETURN_IF_ERROR(
                tx.Exec("UPDATE cellchain_manufacturing.batches SET state = 2, "
                        "product_item_id = $2, product_step_id = $3, "
                        "version = version + 1 WHERE batch_id = $1",
                        {batch_id, item_ids.front(), step.step_id})
                    .status());
            CC_ASSIGN_OR_RETURN(v1::Batch batch, LoadBatch(tx, batch_id));
            CC_RETURN_IF_ERROR(audit
                                   .Append("batch.product_harvested", "batch",
                                           batch_id, batch, "", {DinOf(batch)})
                                   .status());
          }
          CC_RETURN_IF_ERROR(InsertRaised(tx, audit, view.batch, step.step_id,
                                          locked.raised,
                                          step.signature.actor.user_id(),
                                          &deviations));
          CC_ASSIGN_OR_RETURN(response, LoadStep(tx, step.step_id));
          return audit
              .Append("step.record", "batch_step", step.step_id, response, "",
                      {DinOf(view.batch)}, step.signature.manifestation)
              .status();
        });
    if (stored.ok() && raised != nullptr) {
      if (deviations.empty()) {
        // A replay: the deviations this step raised, as stored.
        CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
        CC_ASSIGN_OR_RETURN(
            deviations,
            LoadRows<v1::Deviation>(*lease,
                                    DeviationSelect() +
                                        "WHERE step_id = $1 AND rule <> '' "
                                        "ORDER BY deviation_id",
                                    {step.step_id}));
      }
      *raised = std::move(deviations);
    }
    return stored;
  }();
  if (!result.ok()) {
    if (Definitive(result.status())) {
      // Refused under the lock after its items were made: they are
      // discarded, so that nothing unrecorded can be used.
      absl::Status discarded = EndItems(
          caller, step.request_id, item_ids, custody::v1::ITEM_STATE_DISCARDED,
          absl::StrCat("step refused: ", result.status().message()));
      if (!discarded.ok()) {
        return Annotate(result.status(),
                        absl::StrCat("and discarding its custody items failed: ",
                                     discarded.message()));
      }
    }
    return result.status();
  }
  CC_RETURN_IF_ERROR(EndItems(caller, step.request_id, plan.end_after,
                              custody::v1::ITEM_STATE_CONSUMED,
                              absl::StrCat("thawed cells seeded by step ",
                                           step.step_id)));
  return result;
}

template <typename Response, typename Request>
absl::StatusOr<Response> Manufacturing::RecordStepRequest(
    const P& caller, const char* method, const Request& request,
    NewStep step) {
  CC_ASSIGN_OR_RETURN(step.values,
                      Clean(step.kind, request.values(), /*harvested=*/false));
  step.method = method;
  step.request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(step.request_id));
  CC_ASSIGN_OR_RETURN(step.request_bytes, RequestBytes(request));
  CC_ASSIGN_OR_RETURN(
      step.signature,
      SignAs(*signatures_, caller, request.signature(),
             common::v1::SIGNATURE_MEANING_PERFORMED, step.method,
             step.request_id));
  Response response;
  std::vector<v1::Deviation> raised;
  CC_ASSIGN_OR_RETURN(*response.mutable_step(),
                      RecordNewStep(caller, step, &raised));
  for (v1::Deviation& d : raised) *response.add_deviations() = std::move(d);
  return response;
}

absl::StatusOr<v1::RecordProcessingResponse> Manufacturing::RecordProcessing(
    const P& caller, const v1::RecordProcessingRequest& request) {
  if (request.batch_id().empty()) return InvalidField("batch_id", "required");
  if (request.location_id().empty()) {
    return InvalidField("location_id", kVesselPlace);
  }
  NewStep step;
  step.kind = v1::STEP_KIND_PROCESSING;
  step.batch_id = request.batch_id();
  step.location_id = request.location_id();
  return RecordStepRequest<v1::RecordProcessingResponse>(
      caller, "RecordProcessing", request, std::move(step));
}

absl::StatusOr<v1::SeedPassageResponse> Manufacturing::SeedPassage(
    const P& caller, const v1::SeedPassageRequest& request) {
  if (request.source_step_id().empty()) {
    return InvalidField("source_step_id", "required");
  }
  if (request.location_id().empty()) {
    return InvalidField("location_id", kVesselPlace);
  }
  NewStep step;
  step.kind = v1::STEP_KIND_PASSAGE;
  step.source_step_id = request.source_step_id();
  step.location_id = request.location_id();
  return RecordStepRequest<v1::SeedPassageResponse>(caller, "SeedPassage",
                                                    request, std::move(step));
}

absl::StatusOr<v1::CryopreserveResponse> Manufacturing::Cryopreserve(
    const P& caller, const v1::CryopreserveRequest& request) {
  if (request.source_step_id().empty()) {
    return InvalidField("source_step_id", "required");
  }
  if (request.position_location_ids_size() < 1 ||
      request.position_location_ids_size() > kMaxVials) {
    return InvalidField("position_location_ids",
                        "1 to 500 freezer positions, one per vial");
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < request.position_location_ids_size(); ++i) {
    const std::string& id = request.position_location_ids(i);
    std::string field = absl::StrCat("position_location_ids[", i, "]");
    if (id.empty()) return InvalidField(field, "required");
    if (!seen.insert(id).second) {
      return InvalidField(field, "one vial per position: listed twice");
    }
  }
  NewStep step;
  step.kind = v1::STEP_KIND_CRYOPRESERVATION;
  step.source_step_id = request.source_step_id();
  step.positions.assign(request.position_location_ids().begin(),
                        request.position_location_ids().end());
  return RecordStepRequest<v1::CryopreserveResponse>(caller, "Cryopreserve",
                                                     request, std::move(step));
}

absl::StatusOr<v1::HarvestProductResponse> Manufacturing::HarvestProduct(
    const P& caller, const v1::HarvestProductRequest& request) {
  if (request.source_step_id().empty()) {
    return InvalidField("source_step_id", "required");
  }
  NewStep step;
  step.kind = v1::STEP_KIND_PRODUCT_HARVEST;
  step.source_step_id = request.source_step_id();
  step.location_id = request.location_id();
  CC_ASSIGN_OR_RETURN(
      v1::HarvestProductResponse response,
      RecordStepRequest<v1::HarvestProductResponse>(
          caller, "HarvestProduct", request, std::move(step)));
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(BatchView view,
                      LoadView(*lease, response.step().batch_id(), false));
  *response.mutable_batch() = view.batch;
  // The culture vessels are used up: the batch's cells are in the product
  // lot (and the banks' vials, which stay).
  std::vector<std::string> vessels;
  for (const v1::Step& s : view.steps) {
    if (IsCulture(s.kind())) {
      vessels.insert(vessels.end(), s.item_ids().begin(), s.item_ids().end());
    }
  }
  CC_RETURN_IF_ERROR(EndItems(
      caller, request.context().request_id(), vessels, custody::v1::ITEM_STATE_CONSUMED,
      absl::StrCat("harvested into the product lot of batch ",
                   view.batch.batch_id())));
  return response;
}

absl::StatusOr<v1::RecordHarvestResponse> Manufacturing::RecordHarvest(
    const P& caller, const v1::RecordHarvestRequest& request) {
  if (request.step_id().empty()) return InvalidField("step_id", "required");
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      SignAs(*signatures_, caller, request.signature(),
             common::v1::SIGNATURE_MEANING_PERFORMED, "RecordHarvest",
             request_id));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::RecordHarvestResponse>(
      *pool_, {kServiceName, "RecordHarvest", request_id}, bytes,
      [&](pg::Transaction& tx, v1::RecordHarvestResponse& response) {
        CC_ASSIGN_OR_RETURN(v1::Step found, LoadStep(tx, request.step_id()));
        CC_ASSIGN_OR_RETURN(BatchView view,
                            LoadView(tx, found.batch_id(), true));
        const v1::Step* current = view.Find(found.step_id());
        if (!IsCulture(current->kind())) {
          return FailedRule(kReasonStepKind,
                            absl::StrCat("step ", current->step_id(),
                                         " is a ", KindName(current->kind()),
                                         ", not a culture"));
        }
        if (current->status() != v1::STEP_STATUS_IN_PROGRESS) {
          return FailedRule(kReasonStepHarvested,
                            absl::StrCat("P", current->passage_number(),
                                         " step ", current->step_id(),
                                         " was harvested already: correct "
                                         "it instead"));
        }
        if (view.batch.state() != v1::BATCH_STATE_IN_PROCESS) {
          return FailedRule(kReasonBatchState,
                            absl::StrCat("batch ", view.batch.batch_id(),
                                         " is not in process"));
        }
        // The harvest's values on top of the seeding's.
        v1::StepValues merged = current->values();
        const v1::StepValues& h = request.values();
        *merged.mutable_harvested_at() = h.harvested_at();
        if (!h.has_harvested_at()) merged.clear_harvested_at();
        merged.set_harvested_viable_cells(h.harvested_viable_cells());
        merged.set_viability_percent(h.viability_percent());
        merged.set_confluence_percent(h.confluence_percent());
        v1::StepValues added;
        // A lot or instrument the seeding used already is listed once.
        absl::flat_hash_set<std::string> listed;
        for (const v1::MaterialUse& use : merged.materials()) {
          listed.insert(use.material_id());
        }
        for (const std::string& id : merged.equipment_ids()) listed.insert(id);
        for (const v1::MaterialUse& use : h.materials()) {
          if (!listed.contains(use.material_id())) *merged.add_materials() = use;
          *added.add_materials() = use;
        }
        for (const std::string& id : h.equipment_ids()) {
          if (!listed.contains(id)) merged.add_equipment_ids(id);
          added.add_equipment_ids(id);
        }
        CC_ASSIGN_OR_RETURN(v1::StepValues values,
                            Clean(current->kind(), merged, true));
        CC_ASSIGN_OR_RETURN(Uses uses, LoadUses(tx, MaterialIds(added),
                                                EquipmentIds(added), true));
        CC_RETURN_IF_ERROR(CheckUses(uses, added, ToTime(values.harvested_at())));
        CC_ASSIGN_OR_RETURN(std::string values_bytes,
                            ledger::SerializeDeterministic(values));
        int64_t revision = current->revision() + 1;
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_manufacturing.steps SET status = 2, "
                    "revision = $2, step_values = $3, recorded_by = $4, "
                    "recorded_at = now() WHERE step_id = $1",
                    {current->step_id(), revision,
                     pg::Param::Bytes(values_bytes),
                     signature.actor.user_id()})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_manufacturing.step_revisions "
                    "(step_id, revision, step_values, recorded_by, "
                    "recorded_at) VALUES ($1, $2, $3, $4, now())",
                    {current->step_id(), revision,
                     pg::Param::Bytes(values_bytes),
                     signature.actor.user_id()})
                .status());
        for (const v1::MaterialUse& use : added.materials()) {
          CC_RETURN_IF_ERROR(
              tx.Exec("INSERT INTO cellchain_manufacturing.consumptions "
                      "(step_id, material_id) VALUES ($1, $2) "
                      "ON CONFLICT DO NOTHING",
                      {current->step_id(), use.material_id()})
                  .status());
        }
        CC_ASSIGN_OR_RETURN(*response.mutable_step(),
                            LoadStep(tx, current->step_id()));
        std::vector<v1::Step> steps = view.steps;
        for (v1::Step& s : steps) {
          if (s.step_id() == current->step_id()) s = response.step();
        }
        absl::flat_hash_map<std::string, GrowthFacts> growth =
            ComputeGrowth(FactsOf(steps));
        *response.mutable_growth() =
            ToGrowth(response.step(), growth[current->step_id()]);
        ledger::Recorder audit(tx, *ledger_, signature.actor, request_id);
        return audit
            .Append("step.harvest", "batch_step", current->step_id(),
                    response.step(), "", {DinOf(view.batch)},
                    signature.manifestation)
            .status();
      });
}

absl::StatusOr<v1::ThawVialResponse> Manufacturing::ThawVial(
    const P& caller, const v1::ThawVialRequest& request) {
  if (request.vial_item_id().empty()) {
    return InvalidField("vial_item_id", "required");
  }
  v1::StepValues in = request.values();
  in.set_vial_item_id(request.vial_item_id());
  CC_ASSIGN_OR_RETURN(v1::StepValues values,
                      Clean(v1::STEP_KIND_THAW, in, false));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  custody::v1::GetItemRequest get;
  get.set_item_id(request.vial_item_id());
  CC_ASSIGN_OR_RETURN(custody::v1::GetItemResponse vial,
                      custody_->GetItem(get));
  if (vial.item().on_hold()) {
    return FailedRule("ITEM_ON_HOLD",
                      absl::StrCat("vial ", request.vial_item_id(),
                                   " is on hold in custody"));
  }
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      SignAs(*signatures_, caller, request.signature(),
             common::v1::SIGNATURE_MEANING_PERFORMED, "ThawVial", request_id));
  CC_ASSIGN_OR_RETURN(std::string values_bytes,
                      ledger::SerializeDeterministic(values));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  const std::string step_id = StableId("stp", "ThawVial", request_id);
  return idempotency::RunOnce<v1::ThawVialResponse>(
      *pool_, {kServiceName, "ThawVial", request_id}, bytes,
      [&](pg::Transaction& tx, v1::ThawVialResponse& response) {
        CC_ASSIGN_OR_RETURN(
            pg::Result r,
            tx.Exec("SELECT i.step_id, s.batch_id FROM "
                    "cellchain_manufacturing.step_items i JOIN "
                    "cellchain_manufacturing.steps s USING (step_id) "
                    "WHERE i.item_id = $1 AND i.role = 2",
                    {request.vial_item_id()}));
        if (r.rows() == 0) {
          return FailedRule(kReasonNotAVial,
                            absl::StrCat("item ", request.vial_item_id(),
                                         " is not a vial of any bank"));
        }
        CC_ASSIGN_OR_RETURN(std::string cryo_id, r.GetString(0, 0));
        CC_ASSIGN_OR_RETURN(std::string batch_id, r.GetString(0, 1));
        CC_ASSIGN_OR_RETURN(BatchView view, LoadView(tx, batch_id, true));
        if (view.batch.state() != v1::BATCH_STATE_IN_PROCESS) {
          return FailedRule(kReasonBatchState,
                            absl::StrCat("batch ", batch_id,
                                         " is not in process"));
        }
        if (view.thawed_vials.contains(request.vial_item_id())) {
          return FailedRule(kReasonVialThawed,
                            absl::StrCat("vial ", request.vial_item_id(),
                                         " was thawed already"));
        }
        const v1::Step* cryo = view.Find(cryo_id);
        if (ToTime(values.thawed_at()) < ToTime(cryo->values().frozen_at())) {
          return InvalidField("values.thawed_at", "before the vial was frozen");
        }
        CC_ASSIGN_OR_RETURN(Uses uses, LoadUses(tx, MaterialIds(values),
                                                EquipmentIds(values), true));
        CC_RETURN_IF_ERROR(CheckUses(uses, values, ToTime(values.thawed_at())));
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_manufacturing.steps (step_id, "
                    "batch_id, kind, passage_number, source_step_id, status, "
                    "step_values, recorded_by, recorded_at, created_at) "
                    "VALUES ($1, $2, 4, $3, $4, 2, $5, $6, now(), "
                    "clock_timestamp())",
                    {step_id, batch_id,
                     static_cast<int64_t>(cryo->passage_number()), cryo_id,
                     pg::Param::Bytes(values_bytes),
                     signature.actor.user_id()})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_manufacturing.step_revisions "
                    "(step_id, revision, step_values, recorded_by, "
                    "recorded_at) VALUES ($1, 1, $2, $3, now())",
                    {step_id, pg::Param::Bytes(values_bytes),
                     signature.actor.user_id()})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_manufacturing.thaws "
                    "(vial_item_id, step_id) VALUES ($1, $2)",
                    {request.vial_item_id(), step_id})
                .status());
        for (const v1::MaterialUse& use : values.materials()) {
          CC_RETURN_IF_ERROR(
              tx.Exec("INSERT INTO cellchain_manufacturing.consumptions "
                      "(step_id, material_id) VALUES ($1, $2)",
                      {step_id, use.material_id()})
                  .status());
        }
        CC_ASSIGN_OR_RETURN(*response.mutable_step(), LoadStep(tx, step_id));
        ledger::Recorder audit(tx, *ledger_, signature.actor, request_id);
        return audit
            .Append("step.record", "batch_step", step_id, response.step(), "",
                    {DinOf(view.batch)}, signature.manifestation)
            .status();
      });
}

absl::StatusOr<v1::VerifyStepResponse> Manufacturing::VerifyStep(
    const P& caller, const v1::VerifyStepRequest& request) {
  if (request.step_id().empty()) return InvalidField("step_id", "required");
  if (request.revision() < 1) {
    return InvalidField("revision", "the revision checked (1 or more)");
  }
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  {
    // Four eyes before the password is asked: nothing is counted against
    // the one who recorded it.
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(
        pg::Result r,
        lease->Exec("SELECT DISTINCT recorded_by FROM "
                    "cellchain_manufacturing.step_revisions WHERE step_id = $1",
                    {request.step_id()}));
    if (r.rows() == 0) {
      return NotFound("step", request.step_id(), "STEP_NOT_FOUND");
    }
    for (int row = 0; row < r.rows(); ++row) {
      CC_ASSIGN_OR_RETURN(std::string by, r.GetString(row, 0));
      CC_RETURN_IF_ERROR(auth::RequireDistinct(
          by, caller.user_id, absl::StrCat("step ", request.step_id())));
    }
  }
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      SignAs(*signatures_, caller, request.signature(),
             common::v1::SIGNATURE_MEANING_VERIFIED, "VerifyStep",
             request_id));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::VerifyStepResponse>(
      *pool_, {kServiceName, "VerifyStep", request_id}, bytes,
      [&](pg::Transaction& tx, v1::VerifyStepResponse& response) {
        CC_ASSIGN_OR_RETURN(v1::Step found, LoadStep(tx, request.step_id()));
        CC_ASSIGN_OR_RETURN(v1::Batch batch,
                            LoadBatch(tx, found.batch_id(), true));
        CC_ASSIGN_OR_RETURN(v1::Step step, LoadStep(tx, request.step_id()));
        if (step.revision() != request.revision()) {
          return WithReason(
              absl::AbortedError(absl::StrCat(
                  "step ", step.step_id(), " is at revision ", step.revision(),
                  ", not ", request.revision(),
                  ": check the current values again")),
              kReasonStepRevision);
        }
        if (step.status() == v1::STEP_STATUS_IN_PROGRESS) {
          return FailedRule(kReasonStepNotPerformed,
                            absl::StrCat("P", step.passage_number(), " step ",
                                         step.step_id(),
                                         " is still in culture: verify it "
                                         "once harvested"));
        }
        if (step.status() == v1::STEP_STATUS_VERIFIED) {
          return FailedRule(kReasonStepVerified,
                            absl::StrCat("step ", step.step_id(),
                                         " revision ", step.revision(),
                                         " was verified by ",
                                         step.verified_by_user_id()));
        }
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_manufacturing.steps SET status = 3, "
                    "verified_by = $2, verified_at = now() WHERE step_id = $1",
                    {step.step_id(), signature.actor.user_id()})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_step(),
                            LoadStep(tx, step.step_id()));
        ledger::Recorder audit(tx, *ledger_, signature.actor, request_id);
        return audit
            .Append("step.verify", "batch_step", step.step_id(),
                    response.step(), "", {DinOf(batch)},
                    signature.manifestation)
            .status();
      });
}

absl::StatusOr<v1::CorrectStepResponse> Manufacturing::CorrectStep(
    const P& caller, const v1::CorrectStepRequest& request) {
  if (request.step_id().empty()) return InvalidField("step_id", "required");
  if (request.revision() < 1) {
    return InvalidField("revision", "the revision corrected (1 or more)");
  }
  CC_RETURN_IF_ERROR(RequireText(request.context().reason(), "context.reason"));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      SignAs(*signatures_, caller, request.signature(),
             common::v1::SIGNATURE_MEANING_PERFORMED, "CorrectStep",
             request_id));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::CorrectStepResponse>(
      *pool_, {kServiceName, "CorrectStep", request_id}, bytes,
      [&](pg::Transaction& tx, v1::CorrectStepResponse& response) {
        CC_ASSIGN_OR_RETURN(v1::Step found, LoadStep(tx, request.step_id()));
        CC_ASSIGN_OR_RETURN(BatchView view,
                            LoadView(tx, found.batch_id(), true));
        v1::Step* step = nullptr;
        for (v1::Step& s : view.steps) {
          if (s.step_id() == found.step_id()) step = &s;
        }
        if (step->revision() != request.revision()) {
          return WithReason(
              absl::AbortedError(absl::StrCat(
                  "step ", step->step_id(), " is at revision ",
                  step->revision(), ", not ", request.revision(),
                  ": it changed since it was read")),
              kReasonStepRevision);
        }
        if (view.batch.state() != v1::BATCH_STATE_IN_PROCESS) {
          return FailedRule(
              kReasonBatchState,
              absl::StrCat("batch ", view.batch.batch_id(), " is ",
                           v1::BatchState_Name(view.batch.state()).substr(12),
                           ": its record is closed; record a deviation "
                           "instead"));
        }
        v1::StepValues in = request.values();
        if (step->kind() == v1::STEP_KIND_THAW) {
          in.set_vial_item_id(step->values().vial_item_id());
        }
        CC_ASSIGN_OR_RETURN(
            v1::StepValues values,
            Clean(step->kind(), in,
                  step->status() != v1::STEP_STATUS_IN_PROGRESS));
        const v1::StepValues& old = step->values();
        // What made custody items and links stays as it was.
        auto material_set = [](const v1::StepValues& v) {
          std::vector<std::string> ids = MaterialIds(v);
          std::sort(ids.begin(), ids.end());
          return ids;
        };
        auto equipment_set = [](const v1::StepValues& v) {
          std::vector<std::string> ids = EquipmentIds(v);
          std::sort(ids.begin(), ids.end());
          return ids;
        };
        if (material_set(values) != material_set(old)) {
          return InvalidField("values.materials",
                              "the material lots used cannot change in a "
                              "correction (only their quantities)");
        }
        if (equipment_set(values) != equipment_set(old)) {
          return InvalidField("values.equipment_ids",
                              "the equipment used cannot change in a "
                              "correction");
        }
        if (values.vessel_count() != old.vessel_count()) {
          return InvalidField("values.vessel_count",
                              "the vessels are custody items: their number "
                              "cannot change in a correction");
        }
        if (values.bank_kind() != old.bank_kind()) {
          return InvalidField("values.bank_kind",
                              "the bank cannot change in a correction");
        }
        if (const v1::Step* source = view.Find(step->source_step_id())) {
          std::optional<absl::Time> available = AvailableAt(*source);
          absl::Time at = UsedAt(step->kind(), values, false);
          if (available && at < *available) {
            return InvalidField("values", "the corrected time lies before "
                                          "the source's harvest");
          }
        }
        if (step->kind() == v1::STEP_KIND_PROCESSING &&
            ToTime(values.seeded_at()) < view.collected_at) {
          return InvalidField("values.seeded_at",
                              "before the cord's collection");
        }
        // The lots and equipment, on the corrected day of use.
        CC_ASSIGN_OR_RETURN(Uses uses, LoadUses(tx, MaterialIds(values),
                                                EquipmentIds(values), true));
        CC_RETURN_IF_ERROR(CheckUses(
            uses, values,
            UsedAt(step->kind(), values, /*harvest=*/false)));
        *step->mutable_values() = values;
        CC_RETURN_IF_ERROR(CheckCells(view));
        CC_ASSIGN_OR_RETURN(std::string values_bytes,
                            ledger::SerializeDeterministic(values));
        int64_t revision = request.revision() + 1;
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_manufacturing.steps SET "
                    "revision = $2, step_values = $3, recorded_by = $4, "
                    "recorded_at = now(), correction_reason = $5, "
                    "status = CASE WHEN status = 3 THEN 2 ELSE status END, "
                    "verified_by = NULL, verified_at = NULL "
                    "WHERE step_id = $1",
                    {step->step_id(), revision, pg::Param::Bytes(values_bytes),
                     signature.actor.user_id(), request.context().reason()})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_manufacturing.step_revisions "
                    "(step_id, revision, step_values, recorded_by, "
                    "recorded_at, reason) VALUES ($1, $2, $3, $4, now(), $5)",
                    {step->step_id(), revision,
                     pg::Param::Bytes(values_bytes),
                     signature.actor.user_id(), request.context().reason()})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_step(),
                            LoadStep(tx, step->step_id()));
        ledger::Recorder audit(tx, *ledger_, signature.actor, request_id);
        return audit
            .Append("step.correct", "batch_step", step->step_id(),
                    response.step(), request.context().reason(),
                    {DinOf(view.batch)}, signature.manifestation)
            .status();
      });
}

absl::StatusOr<v1::AbortBatchResponse> Manufacturing::AbortBatch(
    const P& caller, const v1::AbortBatchRequest& request) {
  if (request.batch_id().empty()) return InvalidField("batch_id", "required");
  CC_RETURN_IF_ERROR(RequireText(request.context().reason(), "context.reason"));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  CC_ASSIGN_OR_RETURN(
      v1::AbortBatchResponse response,
      idempotency::RunOnce<v1::AbortBatchResponse>(
          *pool_, {kServiceName, "AbortBatch", request_id}, bytes,
          [&](pg::Transaction& tx, v1::AbortBatchResponse& response) {
            CC_ASSIGN_OR_RETURN(v1::Batch batch,
                                LoadBatch(tx, request.batch_id(), true));
            if (batch.state() != v1::BATCH_STATE_IN_PROCESS) {
              return FailedRule(
                  kReasonBatchState,
                  absl::StrCat("batch ", batch.batch_id(), " is ",
                               v1::BatchState_Name(batch.state()).substr(12),
                               ": only a batch in process is aborted"));
            }
            CC_RETURN_IF_ERROR(
                tx.Exec("UPDATE cellchain_manufacturing.batches SET state = 3, "
                        "abort_reason = $2, version = version + 1 "
                        "WHERE batch_id = $1",
                        {batch.batch_id(), request.context().reason()})
                    .status());
            CC_ASSIGN_OR_RETURN(*response.mutable_batch(),
                                LoadBatch(tx, batch.batch_id()));
            ledger::Recorder audit(tx, *ledger_, auth::ActorOf(caller),
                                   request_id);
            return audit
                .Append("batch.abort", "batch", batch.batch_id(),
                        response.batch(), request.context().reason(),
                        {DinOf(batch)})
                .status();
          }));
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Step> steps,
      LoadSteps(*lease, "WHERE batch_id = $1", {request.batch_id()}));
  std::vector<std::string> vessels;
  for (const v1::Step& s : steps) {
    if (IsCulture(s.kind())) {
      vessels.insert(vessels.end(), s.item_ids().begin(), s.item_ids().end());
    }
  }
  CC_RETURN_IF_ERROR(EndItems(caller, request_id, vessels,
                              custody::v1::ITEM_STATE_DISCARDED,
                              absl::StrCat("batch aborted: ",
                                           request.context().reason())));
  return response;
}

// ---- deviations -------------------------------------------------------------

absl::StatusOr<v1::RecordDeviationResponse> Manufacturing::RecordDeviation(
    const P& caller, const v1::RecordDeviationRequest& request) {
  if (request.batch_id().empty()) return InvalidField("batch_id", "required");
  if (request.classification() == v1::DEVIATION_CLASS_UNSPECIFIED ||
      !v1::DeviationClass_IsValid(request.classification())) {
    return InvalidField("classification", "MINOR, MAJOR or CRITICAL");
  }
  CC_RETURN_IF_ERROR(RequireText(request.description(), "description", 2000));
  CC_RETURN_IF_ERROR(RequireText(request.impact(), "impact", 2000));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::RecordDeviationResponse>(
      *pool_, {kServiceName, "RecordDeviation", request_id}, bytes,
      [&](pg::Transaction& tx, v1::RecordDeviationResponse& response) {
        CC_ASSIGN_OR_RETURN(v1::Batch batch,
                            LoadBatch(tx, request.batch_id(), true));
        if (!request.step_id().empty()) {
          CC_ASSIGN_OR_RETURN(v1::Step step, LoadStep(tx, request.step_id()));
          if (step.batch_id() != batch.batch_id()) {
            return InvalidField("step_id", "a step of another batch");
          }
        }
        std::string id = crypto::RandomId("bdv");
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_manufacturing.deviations "
                    "(deviation_id, batch_id, step_id, classification, "
                    "description, impact, recorded_by, recorded_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp())",
                    {id, batch.batch_id(),
                     request.step_id().empty()
                         ? pg::Param::Null()
                         : pg::Param(request.step_id()),
                     static_cast<int>(request.classification()),
                     request.description(), request.impact(), caller.user_id})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_deviation(),
                            LoadDeviation(tx, id));
        ledger::Recorder audit(tx, *ledger_, auth::ActorOf(caller),
                               request_id);
        return audit
            .Append("deviation.record", "batch_deviation", id,
                    response.deviation(), "", {DinOf(batch)})
            .status();
      });
}

absl::StatusOr<v1::AssessDeviationResponse> Manufacturing::AssessDeviation(
    const P& caller, const v1::AssessDeviationRequest& request) {
  if (request.deviation_id().empty()) {
    return InvalidField("deviation_id", "required");
  }
  if (!v1::DeviationClass_IsValid(request.classification())) {
    return InvalidField("classification", "MINOR, MAJOR or CRITICAL");
  }
  CC_RETURN_IF_ERROR(RequireText(request.assessment(), "assessment", 2000));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      SignAs(*signatures_, caller, request.signature(),
             common::v1::SIGNATURE_MEANING_APPROVED, "AssessDeviation",
             request_id));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::AssessDeviationResponse>(
      *pool_, {kServiceName, "AssessDeviation", request_id}, bytes,
      [&](pg::Transaction& tx, v1::AssessDeviationResponse& response) {
        CC_ASSIGN_OR_RETURN(
            v1::Deviation deviation,
            LoadDeviation(tx, request.deviation_id(), /*for_update=*/true));
        CC_RETURN_IF_ERROR(CheckDeviationIndependence(
            tx, signature.actor.user_id(), deviation));
        if (deviation.status() != v1::DEVIATION_STATUS_OPEN) {
          return FailedRule(kReasonDeviationClosed,
                            absl::StrCat("deviation ",
                                         deviation.deviation_id(),
                                         " was assessed already by ",
                                         deviation.assessed_by_user_id()));
        }
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_manufacturing.deviations SET status = 2, "
                    "classification = CASE WHEN $2::int = 0 THEN "
                    "classification ELSE $2::int END, assessment = $3, "
                    "assessed_by = $4, assessed_at = now() "
                    "WHERE deviation_id = $1",
                    {deviation.deviation_id(),
                     static_cast<int>(request.classification()),
                     request.assessment(), signature.actor.user_id()})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_deviation(),
                            LoadDeviation(tx, deviation.deviation_id()));
        CC_ASSIGN_OR_RETURN(v1::Batch batch,
                            LoadBatch(tx, deviation.batch_id()));
        ledger::Recorder audit(tx, *ledger_, signature.actor, request_id);
        return audit
            .Append("deviation.assess", "batch_deviation",
                    deviation.deviation_id(), response.deviation(),
                    request.assessment(), {DinOf(batch)},
                    signature.manifestation)
            .status();
      });
}

// ---- reading ----------------------------------------------------------------

absl::StatusOr<v1::GetBatchResponse> Manufacturing::GetBatch(
    const v1::GetBatchRequest& request) {
  if (request.batch_id().empty()) return InvalidField("batch_id", "required");
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(BatchView view,
                      LoadView(*lease, request.batch_id(), false));
  v1::GetBatchResponse response;
  *response.mutable_batch() = view.batch;
  absl::flat_hash_map<std::string, GrowthFacts> growth =
      ComputeGrowth(FactsOf(view.steps));
  for (const v1::Step& s : view.steps) {
    *response.add_steps() = s;
    *response.add_growth() = ToGrowth(s, growth[s.step_id()]);
  }
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      lease->Exec(absl::StrCat(
                      "SELECT r.step_id, r.revision, r.step_values, "
                      "r.recorded_by AS recorded_by_user_id, ",
                      pg::MicrosColumn("r.recorded_at", "recorded_at"),
                      ", r.reason FROM cellchain_manufacturing.step_revisions "
                      "r JOIN cellchain_manufacturing.steps s USING (step_id) "
                      "WHERE s.batch_id = $1 ORDER BY r.step_id, r.revision"),
                  {request.batch_id()}));
  for (int row = 0; row < r.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string step_id, r.GetString(row, 0));
    v1::StepRevision* revision =
        (*response.mutable_revisions())[step_id].add_revisions();
    CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, *revision));
    CC_RETURN_IF_ERROR(ParseValues(r, row, *revision->mutable_values()));
  }
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Deviation> deviations,
      LoadRows<v1::Deviation>(*lease,
                              DeviationSelect() +
                                  "WHERE batch_id = $1 "
                                  "ORDER BY recorded_at, deviation_id",
                              {request.batch_id()}));
  for (v1::Deviation& d : deviations) {
    if (d.status() == v1::DEVIATION_STATUS_OPEN &&
        d.classification() != v1::DEVIATION_CLASS_MINOR) {
      response.set_open_major_deviations(response.open_major_deviations() + 1);
    }
    *response.add_deviations() = std::move(d);
  }
  for (v1::BankKind kind : {v1::BANK_KIND_MASTER, v1::BANK_KIND_WORKING,
                            v1::BANK_KIND_FINAL_PRODUCT}) {
    v1::Bank bank;
    bank.set_kind(kind);
    for (const v1::Step& s : view.steps) {
      if (s.kind() != v1::STEP_KIND_CRYOPRESERVATION ||
          s.values().bank_kind() != kind) {
        continue;
      }
      for (const v1::Vial& vial : s.vials()) {
        bank.set_vials_frozen(bank.vials_frozen() + 1);
        if (view.thawed_vials.contains(vial.item_id())) {
          bank.set_vials_thawed(bank.vials_thawed() + 1);
        } else {
          *bank.add_available() = vial;
        }
      }
    }
    if (bank.vials_frozen() > 0) *response.add_banks() = std::move(bank);
  }
  return response;
}

absl::StatusOr<v1::ListBatchesResponse> Manufacturing::ListBatches(
    const v1::ListBatchesRequest& request) {
  if (!v1::BatchState_IsValid(request.state())) {
    return InvalidField("state", "not a batch state");
  }
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Batch> rows,
      LoadRows<v1::Batch>(
          *lease,
          absl::StrCat(BatchSelect(),
                       "WHERE ($1::int = 0 OR state = $1::int) "
                       "AND ($2 = '' OR donor_lot_id = $2) "
                       "ORDER BY started_at DESC, batch_id DESC LIMIT ",
                       kMaxList),
          {static_cast<int>(request.state()), request.donor_lot_id()}));
  v1::ListBatchesResponse response;
  for (v1::Batch& b : rows) *response.add_batches() = std::move(b);
  return response;
}

absl::StatusOr<v1::GetGrowthCurveResponse> Manufacturing::GetGrowthCurve(
    const v1::GetGrowthCurveRequest& request) {
  if (request.batch_id().empty()) return InvalidField("batch_id", "required");
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(BatchView view,
                      LoadView(*lease, request.batch_id(), false));
  absl::flat_hash_map<std::string, GrowthFacts> growth =
      ComputeGrowth(FactsOf(view.steps));
  std::optional<absl::Time> start;
  for (const v1::Step& s : view.steps) {
    if (s.kind() == v1::STEP_KIND_PROCESSING) start = ToTime(s.values().seeded_at());
  }
  v1::GetGrowthCurveResponse response;
  if (!start) return response;
  for (const v1::Step& s : view.steps) {
    if (!IsCulture(s.kind()) || !s.values().has_harvested_at()) continue;
    v1::GrowthPoint* point = response.add_points();
    point->set_step_id(s.step_id());
    point->set_passage_number(s.passage_number());
    point->set_day(absl::ToDoubleHours(ToTime(s.values().harvested_at()) -
                                       *start) /
                   24.0);
    point->set_cumulative_population_doublings(
        growth[s.step_id()].cumulative_population_doublings);
  }
  std::stable_sort(response.mutable_points()->begin(),
                   response.mutable_points()->end(),
                   [](const v1::GrowthPoint& a, const v1::GrowthPoint& b) {
                     return a.day() < b.day();
                   });
  return response;
}

}  // namespace cellchain::manufacturing
