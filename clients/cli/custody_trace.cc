// cellchain custody trace: an item's derivation graph, backward to the donor
// or forward to the patients, as a tree a person reads, each link with its
// signed record.
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/custody_commands_internal.h"
#include "clients/cli/table.h"
#include "services/common/strings/printable.h"
#include "services/isbt128/din.h"

namespace cellchain::cli::custody_cli {
namespace {

// The name a person reads for a traced item: its DIN as printed beside the
// bar code ("A9999 26 000001 [K]") with its product code, or its local code
// (a material's MAT-..., an equipment tag); the internal id only when the
// item has neither.
std::string ReadableName(const v1::Item& item) {
  std::string din, product;
  for (const auto& id : item.isbt128()) {
    if (id.kind() == "din" && din.empty()) {
      absl::StatusOr<isbt128::Din> parsed = isbt128::Din::Parse(id.value());
      din = parsed.ok() ? parsed->EyeReadable() : id.value();
    } else if (id.kind() == "product_code" && product.empty()) {
      product = id.value();
    }
  }
  if (!din.empty()) return product.empty() ? din : din + " " + product;
  if (!item.local_code().empty()) return item.local_code();
  return item.item_id();
}

// What the tree knows of each item, and through which items above it an
// ancestor (or descendant) reached by several paths is also reached.
struct TraceIndex {
  std::map<std::string, const v1::Item*> items;
  std::map<std::string, std::vector<std::string>> also_via;
};

void IndexNode(const v1::TraceNode& node, TraceIndex& index) {
  index.items.emplace(node.item().item_id(), &node.item());
  for (const v1::TraceNode& child : node.children()) {
    if (child.shown_above()) {
      std::vector<std::string>& via = index.also_via[child.item().item_id()];
      std::string name = ReadableName(node.item());
      if (std::find(via.begin(), via.end(), name) == via.end()) {
        via.push_back(name);
      }
    }
    IndexNode(child, index);
  }
}

// One line per item: the readable name first, the internal item id and the
// record that linked it last, as a detail column. An item reached by
// several paths is printed once, where the walk met it first, with the
// other items it is also reached through.
void PrintNode(const v1::TraceNode& node, int depth, bool backward,
               const TraceIndex& index) {
  if (node.shown_above()) return;
  std::string indent(2 * depth, ' ');
  std::cout << indent;
  if (depth > 0) {
    std::cout << (backward ? "<- " : "-> ") << KindName(node.kind()) << " ";
  }
  const v1::Item& item = node.item();
  std::cout << Printable(ReadableName(item)) << "  " << TypeName(item.type())
            << " [" << StateName(item.state()) << "]";
  if (!item.patient_id().empty()) std::cout << " patient " << item.patient_id();
  auto via = index.also_via.find(item.item_id());
  if (via != index.also_via.end()) {
    std::cout << " (also via ";
    for (size_t i = 0; i < via->second.size(); ++i) {
      std::cout << (i > 0 ? ", " : "") << Printable(via->second[i]);
    }
    std::cout << ")";
  }
  std::cout << "    " << item.item_id();
  if (!node.record_id().empty()) std::cout << " (" << node.record_id() << ")";
  std::cout << "\n";
  for (const v1::TraceNode& child : node.children()) {
    PrintNode(child, depth + 1, backward, index);
  }
}

// The tree for tools (--format=json|csv): a row per node in the order
// the tree prints them, each naming the item above it, so that the graph
// (a pool, a shared reagent lot) is whole: a node shown above is a row too,
// with nothing under it.
void AddNodeRows(const v1::TraceNode& node, int depth,
                 const std::string& parent_id, Table& table) {
  const v1::Item& item = node.item();
  table.AddRow({std::to_string(depth), parent_id,
                depth > 0 ? KindName(node.kind()) : "", node.record_id(),
                item.item_id(), ReadableName(item), TypeName(item.type()),
                StateName(item.state()), item.patient_id()});
  if (node.shown_above()) return;
  for (const v1::TraceNode& child : node.children()) {
    AddNodeRows(child, depth + 1, item.item_id(), table);
  }
}

}  // namespace

int Trace(std::shared_ptr<grpc::Channel> channel, const CustodyOptions& o) {
  bool backward = o.direction == "backward";
  if (!backward && o.direction != "forward") {
    return Fail("custody trace", "--direction: backward or forward", 2);
  }
  v1::TraceRequest request;
  request.set_item_id(o.item_id);
  v1::TraceResponse response;
  grpc::Status status = Call(channel, o,
                             backward ? &v1::CustodyService::Stub::TraceBackward
                                      : &v1::CustodyService::Stub::TraceForward,
                             request, &response);
  if (!status.ok()) return Report("custody trace", status);
  if (ForTools(o.format)) {
    Table table({"DEPTH", "PARENT ITEM ID", "LINK", "RECORD ID", "ITEM ID",
                 "NAME", "TYPE", "STATE", "PATIENT ID"});
    table.Number(0);
    AddNodeRows(response.root(), 0, "", table);
    PrintListing(table, o.format);
    return 0;
  }
  TraceIndex index;
  IndexNode(response.root(), index);
  PrintNode(response.root(), 0, backward, index);
  // The summary names items as the tree does; a QC sample drawn beside the
  // path is not in the tree, so it keeps its id.
  auto name = [&index](const std::string& id) {
    auto it = index.items.find(id);
    return it == index.items.end() ? id : ReadableName(*it->second);
  };
  auto list = [&name](
                  const char* label,
                  const google::protobuf::RepeatedPtrField<std::string>& ids,
                  bool items) {
    std::cout << PadLabel(label, 14);
    if (ids.empty()) std::cout << "-";
    for (int i = 0; i < ids.size(); ++i) {
      std::cout << (i > 0 ? ", " : "")
                << Printable(items ? name(ids[i]) : ids[i]);
    }
    std::cout << "\n";
  };
  std::cout << response.item_count() << " item(s)\n";
  list("donor lots", response.donor_lot_ids(), true);
  list("reagent lots", response.reagent_lot_ids(), true);
  list("equipment", response.equipment_ids(), true);
  list("QC samples", response.qc_sample_ids(), true);
  // Custody knows who recorded a change of an item (registered, linked,
  // handed over, held, ended); who verified a manufacturing step is in
  // manufacturing's records, which `audit query --din` shows.
  list("operators", response.operator_user_ids(), false);
  std::cout << PadLabel("patients", 14);
  if (response.patients().empty()) std::cout << "-";
  for (int i = 0; i < response.patients_size(); ++i) {
    const v1::PatientReached& p = response.patients(i);
    std::cout << (i > 0 ? ", " : "") << p.patient_id() << " ("
              << Printable(name(p.item_id())) << ", " << StateName(p.state())
              << ")";
  }
  std::cout << "\n";
  std::cout << "verifiers of manufacturing steps are not in custody's "
               "records: see `cellchain audit query --din=...`\n";
  return 0;
}

}  // namespace cellchain::cli::custody_cli
