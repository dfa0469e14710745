#include "clients/cli/resolve.h"

#include <algorithm>
#include <deque>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "cellchain/donor/v1/donor.grpc.pb.h"
#include "cellchain/manufacturing/v1/manufacturing.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/commands.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/status/status.h"
#include "services/isbt128/din.h"

namespace cellchain::cli {
namespace {

namespace custody = cellchain::custody::v1;
namespace donor = cellchain::donor::v1;
namespace mfg = cellchain::manufacturing::v1;

// A lookup's refusal, `status`, under "--flag: looking up "TEXT": ", its
// reason kept for Report; not its field, which is the lookup's request's
// and no flag of the command.
absl::Status Named(const char* flag, const std::string& text,
                   const absl::Status& status) {
  absl::Status named(status.code(),
                     absl::StrCat("--", flag, ": looking up \"", text,
                                  "\": ", status.message()));
  if (auto reason = status.GetPayload(kReasonPayloadUrl)) {
    named.SetPayload(kReasonPayloadUrl, *reason);
  }
  return named;
}

absl::Status FromCall(const char* flag, const std::string& text,
                      const grpc::Status& wire) {
  return Named(flag, text, grpcx::FromGrpcStatus(wire));
}

absl::Status NotFound(const char* flag, const std::string& message) {
  return absl::NotFoundError(absl::StrCat("--", flag, ": ", message));
}

absl::Status Ambiguous(const char* flag, const std::string& text,
                       const std::vector<std::string>& candidates,
                       absl::string_view give) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, ": \"", text, "\" is ambiguous: it names ",
                   absl::StrJoin(candidates, ", "), "; give ", give));
}

// The one id in `pairs` (code, id) whose code equals `text` ignoring case.
absl::StatusOr<std::string> Unique(
    const char* flag, const std::string& text,
    const std::vector<std::pair<std::string, std::string>>& pairs,
    absl::string_view what, absl::string_view give) {
  std::vector<std::string> found;
  std::vector<std::string> named;
  for (const auto& [code, id] : pairs) {
    if (absl::EqualsIgnoreCase(code, text)) {
      found.push_back(id);
      named.push_back(absl::StrCat(code, " (", id, ")"));
    }
  }
  if (found.empty()) {
    return NotFound(flag, absl::StrCat("no ", what, " is \"", text, "\""));
  }
  if (found.size() > 1) return Ambiguous(flag, text, named, give);
  return found.front();
}

absl::Status Empty(const char* flag) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": empty"));
}

// The id that `text`, typed for `--flag`, names: `text` itself when it is
// an id (starts with `id_prefix`), else the one whose code it is among the
// (code, id) pairs `list` gives, listed once into `cache`.
template <typename List>
absl::StatusOr<std::string> ByCode(
    const char* flag, const std::string& text, std::string_view id_prefix,
    std::optional<std::vector<std::pair<std::string, std::string>>>& cache,
    List list, absl::string_view what, absl::string_view give) {
  if (text.empty()) return Empty(flag);
  if (text.starts_with(id_prefix)) return text;
  if (!cache.has_value()) {
    cache.emplace();
    grpc::Status status = list(*cache);
    if (!status.ok()) {
      cache.reset();
      return FromCall(flag, text, status);
    }
  }
  return Unique(flag, text, *cache, what, give);
}

}  // namespace

Resolver::Resolver(std::shared_ptr<grpc::Channel> channel,
                   const CallOptions& options)
    : channel_(std::move(channel)), options_(options) {}

absl::StatusOr<std::string> Resolver::MaterialId(const char* flag,
                                                 const std::string& text) {
  auto list = [this](auto& codes) {
    mfg::ListMaterialsResponse response;
    grpc::Status status = Call(channel_, options_,
                               &mfg::ManufacturingService::Stub::ListMaterials,
                               mfg::ListMaterialsRequest(), &response);
    for (const mfg::MaterialLot& m : response.materials()) {
      codes.emplace_back(m.material_code(), m.material_id());
    }
    return status;
  };
  return ByCode(flag, text, "mat_", materials_, list, "material lot's code",
                "the lot's id (mat_...)");
}

absl::StatusOr<std::string> Resolver::EquipmentId(const char* flag,
                                                  const std::string& text) {
  auto list = [this](auto& codes) {
    mfg::ListEquipmentResponse response;
    grpc::Status status = Call(channel_, options_,
                               &mfg::ManufacturingService::Stub::ListEquipment,
                               mfg::ListEquipmentRequest(), &response);
    for (const mfg::Equipment& e : response.equipment()) {
      codes.emplace_back(e.asset_tag(), e.equipment_id());
    }
    return status;
  };
  return ByCode(flag, text, "eqp_", equipment_, list, "equipment's asset tag",
                "its id (eqp_...)");
}

absl::StatusOr<std::string> Resolver::LotId(const char* flag,
                                            const std::string& text) {
  if (text.empty()) return Empty(flag);
  if (text.starts_with("lot_")) return text;
  absl::StatusOr<isbt128::Din> din = isbt128::ParseDinText(text);
  if (!din.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": \"", text,
                     "\" is neither a donor lot's id (lot_...) nor its DIN (",
                     din.status().message(), ")"));
  }
  donor::GetLotRequest request;
  request.set_din(din->ToString());
  donor::GetLotResponse response;
  grpc::Status status =
      Call(channel_, options_, &donor::DonorService::Stub::GetLot, request,
           &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return NotFound(flag,
                    absl::StrCat("no donor lot has the DIN \"", text, "\""));
  }
  if (!status.ok()) return FromCall(flag, text, status);
  return response.lot().lot_id();
}

absl::StatusOr<std::string> Resolver::BatchId(const char* flag,
                                              const std::string& text) {
  if (text.empty()) return Empty(flag);
  if (text.starts_with("bat_")) return text;
  if (!isbt128::ParseDinText(text).ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, ": \"", text,
        "\" is neither a batch id (bat_...) nor a batch number (the DIN of "
        "its donor lot)"));
  }
  absl::StatusOr<std::string> lot = LotId(flag, text);
  if (!lot.ok()) return lot.status();
  mfg::ListBatchesRequest request;
  request.set_donor_lot_id(*lot);
  mfg::ListBatchesResponse response;
  grpc::Status status =
      Call(channel_, options_, &mfg::ManufacturingService::Stub::ListBatches,
           request, &response);
  if (!status.ok()) return FromCall(flag, text, status);
  std::vector<std::string> live;
  std::vector<std::string> all;
  for (const mfg::Batch& b : response.batches()) {
    all.push_back(absl::StrCat(
        b.batch_id(), " (",
        LowerName(mfg::BatchState_Name(b.state()), "BATCH_STATE_"), ")"));
    if (b.state() != mfg::BATCH_STATE_ABORTED) live.push_back(b.batch_id());
  }
  if (live.size() == 1) return live.front();
  if (response.batches_size() == 1) return response.batches(0).batch_id();
  if (response.batches().empty()) {
    return NotFound(flag, absl::StrCat("no batch was started from the lot of "
                                       "DIN \"",
                                       text, "\" (", *lot, ")"));
  }
  return Ambiguous(flag, text, all, "the batch's id (bat_...)");
}

absl::StatusOr<std::string> Resolver::ItemId(const char* flag,
                                             const std::string& text) {
  if (text.empty()) return Empty(flag);
  if (text.starts_with("itm_")) return text;
  std::vector<std::string> scans;
  if (absl::StatusOr<isbt128::Din> din = isbt128::ParseDinText(text);
      din.ok()) {
    // Data structure 001 as a scanner reads it; flags 00 say nothing.
    scans.push_back("=" + din->ToString() + "00");
  } else {
    scans.push_back(text);
    if (absl::AsciiStrToUpper(text) != text) {
      scans.push_back(absl::AsciiStrToUpper(text));
    }
  }
  for (const std::string& scan : scans) {
    custody::FindItemByScanRequest request;
    request.set_scan(scan);
    custody::FindItemByScanResponse response;
    grpc::Status status =
        Call(channel_, options_, &custody::CustodyService::Stub::FindItemByScan,
             request, &response);
    if (status.ok()) return response.item().item_id();
    if (status.error_code() != grpc::StatusCode::NOT_FOUND) {
      return FromCall(flag, text, status);
    }
  }
  return NotFound(flag,
                  absl::StrCat("no item has the code or DIN \"", text, "\""));
}

absl::StatusOr<const std::vector<Resolver::Place>*> Resolver::Children(
    const Place& parent) {
  auto it = children_.find(parent.id);
  if (it != children_.end()) return &it->second;
  custody::ListLocationsRequest request;
  request.set_parent_location_id(parent.id);
  custody::ListLocationsResponse response;
  grpc::Status status =
      Call(channel_, options_, &custody::CustodyService::Stub::ListLocations,
           request, &response);
  if (!status.ok()) return grpcx::FromGrpcStatus(status);
  std::vector<Place> places;
  for (const custody::Location& l : response.locations()) {
    places.push_back({l.location_id(), l.name(), static_cast<int>(l.kind()),
                      parent.path.empty()
                          ? l.name()
                          : absl::StrCat(parent.path, "/", l.name())});
  }
  return &children_.emplace(parent.id, std::move(places)).first->second;
}

absl::StatusOr<std::string> Resolver::LocationId(const char* flag,
                                                 const std::string& text) {
  if (text.empty()) return Empty(flag);
  if (text.starts_with("loc_")) return text;
  std::vector<std::string> names;
  for (absl::string_view part : absl::StrSplit(text, '/')) {
    names.emplace_back(std::string(absl::StripAsciiWhitespace(part)));
  }
  for (const std::string& name : names) {
    if (name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", flag, ": \"", text,
          "\" has an empty name; a path is NAME/NAME/... (FRZ-01/R2/B3/A1)"));
    }
  }
  // The first name: any location but a box's positions (the same position
  // name is in every box), breadth first from the sites.
  std::vector<Place> found;
  std::deque<Place> open = {Place{}};
  while (!open.empty()) {
    Place at = std::move(open.front());
    open.pop_front();
    absl::StatusOr<const std::vector<Place>*> children = Children(at);
    if (!children.ok()) {
      return Named(flag, text, children.status());
    }
    for (const Place& child : **children) {
      if (absl::EqualsIgnoreCase(child.name, names.front())) {
        found.push_back(child);
      }
      if (child.kind != custody::LOCATION_KIND_BOX &&
          child.kind != custody::LOCATION_KIND_POSITION) {
        open.push_back(child);
      }
    }
  }
  // Each next name: a child of the one before.
  for (size_t i = 1; i < names.size() && found.size() == 1; ++i) {
    absl::StatusOr<const std::vector<Place>*> children =
        Children(found.front());
    if (!children.ok()) {
      return Named(flag, text, children.status());
    }
    std::string parent = found.front().path;
    found.clear();
    for (const Place& child : **children) {
      if (absl::EqualsIgnoreCase(child.name, names[i])) found.push_back(child);
    }
    if (found.empty()) {
      return NotFound(flag, absl::StrCat("\"", text, "\": ", parent,
                                         " holds no \"", names[i], "\""));
    }
  }
  if (found.empty()) {
    return NotFound(
        flag, absl::StrCat("no location is named \"", names.front(), "\""));
  }
  if (found.size() > 1) {
    std::vector<std::string> named;
    for (const Place& p : found) {
      named.push_back(absl::StrCat(p.path, " (", p.id, ")"));
    }
    return Ambiguous(flag, text, named,
                     "a longer path (FREEZER/RACK/BOX/POSITION) or the id "
                     "(loc_...)");
  }
  return found.front().id;
}

absl::Status ResolveFlags(const CommandSpec& command, Resolver& resolver,
                          const std::vector<NamedFlag>& named) {
  std::vector<std::string> takes = FlagsOf(command);
  for (const NamedFlag& flag : named) {
    if (std::find(takes.begin(), takes.end(), flag.flag) == takes.end()) {
      continue;
    }
    auto resolve = [&](const std::string& text) {
      switch (flag.thing) {
        case NamedFlag::Thing::kMaterial:
          return resolver.MaterialId(flag.flag, text);
        case NamedFlag::Thing::kEquipment:
          return resolver.EquipmentId(flag.flag, text);
        case NamedFlag::Thing::kLot:
          return resolver.LotId(flag.flag, text);
        case NamedFlag::Thing::kBatch:
          return resolver.BatchId(flag.flag, text);
        case NamedFlag::Thing::kItem:
          return resolver.ItemId(flag.flag, text);
        case NamedFlag::Thing::kLocation:
          break;
      }
      return resolver.LocationId(flag.flag, text);
    };
    std::vector<std::string*> values;
    if (flag.value != nullptr && !flag.value->empty()) {
      values.push_back(flag.value);
    }
    if (flag.values != nullptr) {
      for (std::string& entry : *flag.values) values.push_back(&entry);
    }
    for (std::string* value : values) {
      // --material=MAT[:QUANTITY]: the lot before the first colon;
      // --parents=ITEM:KIND: the item before the last (a code may hold one;
      // a kind never does). A value without its name is refused later by
      // the command, as before.
      size_t end = value->size();
      if (flag.part == NamedFlag::Part::kBeforeFirstColon) {
        end = value->find(':');
        if (end == std::string::npos) end = value->size();
      } else if (flag.part == NamedFlag::Part::kBeforeLastColon) {
        end = value->rfind(':');
        if (end == std::string::npos) continue;
      }
      if (end == 0) continue;
      absl::StatusOr<std::string> id = resolve(value->substr(0, end));
      if (!id.ok()) return id.status();
      *value = *id + value->substr(end);
    }
  }
  return absl::OkStatus();
}

}  // namespace cellchain::cli
