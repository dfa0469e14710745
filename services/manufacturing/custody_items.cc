#include "services/manufacturing/custody_items.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/custody/reasons.h"
#include "services/isbt128/data_structures.h"
#include "services/manufacturing/item_divisions.h"
#include "services/manufacturing/step_rules.h"

namespace cellchain::manufacturing {
namespace {

using fields::kMaxText;

// `din` and the product code of division number `n` with `description_code`
// on `r`, a cryovial or culture vessel.
absl::Status SetDivisionCodes(custody::v1::RegisterItemRequest& r,
                              const std::string& din,
                              const std::string& description_code,
                              const ManufacturingOptions& options, int n) {
  CC_ASSIGN_OR_RETURN(std::string division, DivisionCode(n));
  CC_ASSIGN_OR_RETURN(
      std::string product,
      isbt128::EncodeProductCode(
          {description_code,
           absl::StrCat(options.product_tds.substr(0, 1), division)}));
  r.set_din(din);
  r.set_product_code(product);
  return absl::OkStatus();
}

}  // namespace

custody::v1::ItemType StepItemType(v1::StepKind kind) {
  switch (kind) {
    case v1::STEP_KIND_CRYOPRESERVATION:
      return custody::v1::ITEM_TYPE_CRYOVIAL;
    case v1::STEP_KIND_PRODUCT_HARVEST:
      return custody::v1::ITEM_TYPE_PRODUCT_LOT;
    default:
      return custody::v1::ITEM_TYPE_CULTURE_VESSEL;
  }
}

custody::v1::Item Item(custody::CustodyPort& custody, const std::string& id) {
  custody::v1::GetItemRequest get;
  get.set_item_id(id);
  absl::StatusOr<custody::v1::GetItemResponse> item = custody.GetItem(get);
  return item.ok() ? item->item() : custody::v1::Item();
}

custody::v1::RegisterItemRequest MaterialItemRequest(
    const v1::ReceiveMaterialRequest& request, const std::string& code) {
  const std::string& request_id = request.context().request_id();
  custody::v1::RegisterItemRequest item_request;
  item_request.mutable_context()->set_request_id(
      idempotency::DerivedRequestId(request_id, "item"));
  item_request.set_type(custody::v1::ITEM_TYPE_REAGENT_LOT);
  item_request.set_local_code(code);
  item_request.set_description(absl::StrCat(request.name(), ", ",
                                            request.supplier(), " lot ",
                                            request.supplier_lot())
                                   .substr(0, kMaxText));
  item_request.set_location_id(request.location_id());
  return item_request;
}

custody::v1::RegisterItemRequest EquipmentItemRequest(
    const v1::RegisterEquipmentRequest& request) {
  const std::string& request_id = request.context().request_id();
  custody::v1::RegisterItemRequest item_request;
  item_request.mutable_context()->set_request_id(
      idempotency::DerivedRequestId(request_id, "item"));
  item_request.set_type(custody::v1::ITEM_TYPE_EQUIPMENT);
  item_request.set_local_code(request.asset_tag());
  item_request.set_description(request.name());
  item_request.set_location_id(request.location_id());
  return item_request;
}

absl::StatusOr<custody::v1::RegisterItemRequest> StepItemRequest(
    const NewStep& step, const std::vector<custody::v1::ParentLink>& parents,
    int passage_number, const std::string& din,
    const ManufacturingOptions& options, std::optional<int> first_division,
    int i, int item_count) {
  custody::v1::RegisterItemRequest r;
  r.mutable_context()->set_request_id(
      idempotency::DerivedRequestId(step.request_id, absl::StrCat("item/", i)));
  for (const custody::v1::ParentLink& link : parents) {
    *r.add_parents() = link;
  }
  std::string label = absl::StrCat("P", passage_number);
  switch (step.kind) {
    case v1::STEP_KIND_CRYOPRESERVATION:
      r.set_type(custody::v1::ITEM_TYPE_CRYOVIAL);
      r.set_local_code(absl::StrCat(step.step_id, "-C", i + 1));
      r.set_description(absl::StrCat(
          EnumLabel(v1::BankKind_Name(step.values.bank_kind()), "BANK_KIND_"),
          " bank vial ", i + 1, " of ", item_count, ", ", label, ", ",
          Cells(step.values.cells_per_vial()), " cells"));
      r.set_location_id(step.positions[i]);
      if (first_division.has_value()) {
        CC_RETURN_IF_ERROR(SetDivisionCodes(r, din,
                                            options.cryovial_description_code,
                                            options, *first_division + i));
      }
      break;
    case v1::STEP_KIND_PRODUCT_HARVEST: {
      r.set_type(custody::v1::ITEM_TYPE_PRODUCT_LOT);
      r.set_din(din);
      CC_ASSIGN_OR_RETURN(
          std::string product,
          isbt128::EncodeProductCode(
              {options.product_description_code, options.product_tds}));
      r.set_product_code(product);
      r.set_description(absl::StrCat(
          "UC-MSC product lot, ", label, ", ",
          Cells(step.values.harvested_viable_cells()), " viable cells in ",
          absl::StrFormat("%.1f", step.values.volume_ml()), " ml"));
      r.set_location_id(step.location_id);
      break;
    }
    default:
      r.set_type(custody::v1::ITEM_TYPE_CULTURE_VESSEL);
      r.set_local_code(absl::StrCat(step.step_id, "-V", i + 1));
      r.set_description(absl::StrCat(label, " ", step.values.vessel_type(), " ",
                                     i + 1, " of ", item_count));
      r.set_location_id(step.location_id);
      if (first_division.has_value()) {
        CC_RETURN_IF_ERROR(SetDivisionCodes(r, din,
                                            options.vessel_description_code,
                                            options, *first_division + i));
      }
  }
  return r;
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

absl::Status Manufacturing::EndItems(const P& caller,
                                     const std::string& request_id,
                                     const std::vector<std::string>& item_ids,
                                     custody::v1::ItemState outcome,
                                     const std::string& reason) {
  for (const std::string& id : item_ids) {
    custody::v1::EndItemRequest end;
    end.mutable_context()->set_request_id(
        idempotency::DerivedRequestId(request_id, absl::StrCat("end/", id)));
    end.mutable_context()->set_reason(reason.substr(0, kMaxText));
    end.set_item_id(id);
    end.set_outcome(outcome);
    absl::StatusOr<custody::v1::EndItemResponse> ended =
        custody_->EndItem(caller, end);
    // An item ended already (by hand, or by an earlier attempt) is done.
    if (!ended.ok() && ReasonOf(ended.status()) != custody::kReasonItemEnded) {
      return Annotate(ended.status(), absl::StrCat("ending custody item ", id));
    }
  }
  return absl::OkStatus();
}

}  // namespace cellchain::manufacturing
