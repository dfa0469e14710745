// custody_trace_bench: what a trace costs with a realistic number of items
// stored. Figures, not a test.
//
//   cmake --build B --target custody_trace_bench cellchaind
//   B/bin/custody_trace_bench [flags]
//
// The design brief (§6) asks for a full backward trace of a dose under 20 ms
// at p99 with 100,000 items stored. This benchmark stores --items items
// (default 100,000) shaped as the MSC process makes them, then times
// Custody::TraceBackward of doses and Custody::TraceForward of donor lots,
// single-threaded, in-process (no gRPC in front), and checks every answer.
//
// Each donor lot is the same plan (PlanLot below, 73 items): the donor lot;
// its tissue container; culture vessels P0 (2, PROCESSING from the tissue),
// P1 (4), P2 (8), P3 (16), each split from one vessel of the passage before
// (PASSAGE); the product lot harvested from all P3 vessels (HARVEST); 24
// cryovials (CRYOPRESERVATION); 4 doses, each a vial thawed into a vessel
// (THAW) and formulated into a dose bag for one patient (FORMULATION, its own
// DIN, product code, expiration and chain of identity); 8 QC samples (SAMPLE:
// mycoplasma in process at P1 and P3, six release tests of the product lot).
// Every step links the reagent lots it consumed (MATERIAL) and the equipment
// it used (EQUIPMENT), shared with other donor lots as a facility shares
// them: a reagent lot serves 10 consecutive donor lots, and all lots share
// 10 incubators, 4 safety cabinets and 2 each of centrifuges, cell counters,
// controlled-rate freezers and thawers. Items used up are CONSUMED.
//
// How the items are made:
//   1. Reagent lots and equipment: through the Custody API (RegisterItem).
//   2. Most donor lots: bulk-inserted with SQL as the superuser (INSERT ...
//      SELECT FROM unnest of arrays into cellchain_custody.items and
//      item_links), from the same plan as 3, since registering 100,000
//      items through the audited API would take over ten minutes on this
//      machine (about two calls per item at 3.6 ms each). Each bulk item also
//      gets the audit records the API would have written for it (item.register,
//      item.link_parent, item.end) so that cellchain_audit.records, which the
//      trace reads for the operators, has its real size; those records are made
//      up and NOT signed (zero signatures), and links carry their ids.
//   3. --api-lots donor lots (default 20), the ones traced: through the
//      Custody API only (AllocateDin, RegisterItem, LinkParent for the
//      vessels pooled into the product lot, EndItem), each change with its
//      real signed audit record, by the operators of a team of technicians.
// VACUUM ANALYZE after 2 and again after 3: what autovacuum does to tables
// filled over time (without statistics LinkParent's recursive cycle check
// took 90-160 ms a call at 10,000 items).
//
// Measured, after --warmup traces of each kind (not timed):
//   - TraceBackward of a dose, cycling over the API lots' doses,
//     --backward-iterations times (default 2,000);
//   - TraceForward of a donor lot, cycling over the API lots,
//     --forward-iterations times (default 500).
// Every answer (warm-up included) is compared with what the plan says the
// trace must find: its item count, the one donor lot, the reagent lots,
// equipment, QC samples, operators and patients, and a record id on every
// link of a backward tree. Any difference ends the run with exit status 1,
// so an empty or partial trace is never timed silently.
//
// Database: as append_bench. With the ctest fixture's environment
// (CELLCHAIN_TEST_PG etc., cmake/CellchainTesting.cmake) it uses that
// cluster; otherwise it starts a throwaway cluster of its own with
// tests/fixtures/pg_cluster.sh (port --port, default 55491, state under
// /tmp, migrated with this build's cellchaind) and removes it at exit. The
// Custody connects as a role member of cellchain_custody.
//
// Flags: --items=N --api-lots=N --backward-iterations=N
//        --forward-iterations=N --iterations=N (sets both) --warmup=N
//        --port=N
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/crypto/random.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/pool.h"
#include "services/common/pg/transaction.h"
#include "services/common/status/status.h"
#include "services/common/testing/test_database.h"
#include "services/custody/custody.h"
#include "services/isbt128/data_structures.h"
#include "services/isbt128/din.h"
#include "services/ledger/bench/bench_cluster.h"
#include "services/ledger/bench/bench_run.h"
#include "services/ledger/bench/tool_flags.h"
#include "services/ledger/ledger.h"

namespace cellchain::custody {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Flags {
  int items = 100000;
  int api_lots = 20;
  int backward_iterations = 2000;
  int forward_iterations = 500;
  int warmup = 100;
  int port = 55491;
};

using bench::Die;
using bench::Fail;
using bench::FirstLine;
using bench::OrDie;
using bench::Setting;

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  int iterations = 0;
  bench::ToolFlags tool("custody_trace_bench",
                        "Custody's traces at size (docs/performance.md).");
  tool.Int("items", &flags.items, 0, bench::kAnyInt, "Items stored.");
  tool.Int("api-lots", &flags.api_lots, 1, bench::kAnyInt,
           "Donor lots made through the Custody API, the ones traced.");
  tool.Int("backward-iterations", &flags.backward_iterations, 1, bench::kAnyInt,
           "TraceBackward calls timed.");
  tool.Int("forward-iterations", &flags.forward_iterations, 1, bench::kAnyInt,
           "TraceForward calls timed.");
  tool.Int("iterations", &iterations, 0, bench::kAnyInt,
           "Sets both --backward-iterations and --forward-iterations\n"
           "(over them); 0: neither.");
  tool.Int("warmup", &flags.warmup, 0, bench::kAnyInt,
           "Traces of each kind before the timed ones.");
  tool.Int("port", &flags.port, 1, 65535,
           "Port of the throwaway cluster (without the ctest fixture's).");
  tool.LoadOrExit(argc, argv);
  if (iterations > 0) {
    flags.backward_iterations = iterations;
    flags.forward_iterations = iterations;
  }
  return flags;
}

int64_t Count(pg::Connection& conn, const std::string& sql) {
  return OrDie(OrDie(conn.Exec(sql), sql).GetInt64(0, 0), sql);
}

// ---- who does the work -----------------------------------------------------

struct Person {
  const char* user_id;
  const char* printed_name;
  common::v1::Role role;
};

// Technicians of the manufacturing team; each donor lot is worked by three
// of them (receipt and processing, culture, fill and finish), each dose by a
// fourth. Reagent lots are received by stores, equipment by engineering.
constexpr Person kTechnicians[] = {
    {"tech.ada", "Ada Byron", common::v1::ROLE_TECHNICIAN},
    {"tech.bo", "Bo Lindqvist", common::v1::ROLE_TECHNICIAN},
    {"tech.chen", "Chen Wei", common::v1::ROLE_TECHNICIAN},
    {"tech.dara", "Dara Okafor", common::v1::ROLE_TECHNICIAN},
    {"tech.emil", "Emil Novak", common::v1::ROLE_TECHNICIAN},
    {"tech.fatima", "Fatima Haddad", common::v1::ROLE_TECHNICIAN},
    {"tech.goran", "Goran Petrovic", common::v1::ROLE_TECHNICIAN},
    {"tech.hana", "Hana Sato", common::v1::ROLE_TECHNICIAN},
    {"tech.ivo", "Ivo Marques", common::v1::ROLE_TECHNICIAN},
    {"tech.jun", "Jun Park", common::v1::ROLE_TECHNICIAN},
};
constexpr int kTechnicianCount = sizeof(kTechnicians) / sizeof(kTechnicians[0]);
constexpr Person kStores = {"stores.omar", "Omar Farouk",
                            common::v1::ROLE_TECHNICIAN};
constexpr Person kEngineering = {"eng.lea", "Lea Brandt",
                                 common::v1::ROLE_TECHNICIAN};

auth::Principal PrincipalOf(const Person& person) {
  auth::Principal p;
  p.user_id = person.user_id;
  p.printed_name = person.printed_name;
  p.acting_role = person.role;
  p.roles = {person.role};
  p.session_id = crypto::RandomId("ses");
  p.workstation = "/O=cellchain-dev/OU=workstation/CN=gmp-lab-1";
  return p;
}

// ---- what the facility shares between donor lots ----------------------------

enum Reagent {
  kTransportMedium,
  kCollagenase,
  kBasalMedium,
  kPlateletLysate,
  kTrypLE,
  kDpbs,
  kCryomedium,
  kHeparin,
  kSaline,
  kReagentKinds
};
constexpr const char* kReagentCodes[kReagentKinds] = {
    "TRM", "COL", "MEM", "HPL", "TRY", "PBS", "CRY", "HEP", "SAL"};
constexpr const char* kReagentNames[kReagentKinds] = {
    "tissue transport medium", "collagenase NB6",    "alpha-MEM basal medium",
    "human platelet lysate",   "TrypLE Select",      "DPBS without Ca/Mg",
    "CryoStor CS10",           "heparin 5000 IU/ml", "NaCl 0.9 % saline"};
// A reagent lot serves this many consecutive donor lots.
constexpr int kDonorLotsPerReagentLot = 10;

enum Equipment {
  kIncubator,
  kSafetyCabinet,
  kCentrifuge,
  kCellCounter,
  kRateFreezer,
  kThawer,
  kEquipmentKinds
};
constexpr const char* kEquipmentCodes[kEquipmentKinds] = {"INC", "BSC", "CEN",
                                                          "CNT", "CRF", "THW"};
constexpr const char* kEquipmentNames[kEquipmentKinds] = {
    "CO2 incubator", "class II biosafety cabinet", "centrifuge",
    "cell counter",  "controlled-rate freezer",    "dry thawer"};
constexpr int kEquipmentUnits[kEquipmentKinds] = {10, 4, 2, 2, 2, 2};

struct SharedItem {
  v1::ItemType type;
  std::string registrar;  // user id
};

struct Shared {
  std::vector<std::string> reagents[kReagentKinds];  // item ids, by lot no.
  std::vector<std::string> equipment[kEquipmentKinds];
  absl::flat_hash_map<std::string, SharedItem> items;

  // The reagent lot of `kind` that donor lot `lot` consumed: stock is used
  // in order, each kind switching lots at its own point.
  const std::string& ReagentFor(Reagent kind, int lot) const {
    const std::vector<std::string>& lots = reagents[kind];
    size_t n = static_cast<size_t>((lot + 3 * kind) / kDonorLotsPerReagentLot);
    return lots[std::min(n, lots.size() - 1)];
  }
  const std::string& EquipmentFor(Equipment kind, int lot,
                                  int shift = 0) const {
    const std::vector<std::string>& units = equipment[kind];
    return units[static_cast<size_t>(lot + shift) % units.size()];
  }
};

// ---- the plan of one donor lot ---------------------------------------------

struct PlannedLink {
  int parent = -1;            // index in the lot, or
  std::string shared_parent;  // a reagent lot or equipment
  v1::DerivationKind kind = v1::DERIVATION_KIND_UNSPECIFIED;
  // Linked by LinkParent after the item is registered (a vessel pooled
  // into the product lot after the first).
  bool later = false;
};

struct PlannedItem {
  v1::ItemType type = v1::ITEM_TYPE_UNSPECIFIED;
  std::string din, product_code, expiration, chain_of_identity, local_code;
  std::string description, patient_id;
  std::vector<PlannedLink> parents;
  int technician = 0;  // index into kTechnicians: registers, links, ends
  bool consumed = false;
};

constexpr int kPassages = 4;   // P0..P3
constexpr int kP0Vessels = 2;  // each passage splits a vessel in two
constexpr int kCryovials = 24;
constexpr int kDoses = 4;  // each from its own vial
constexpr int kReleaseSamples = 6;
constexpr int kItemsPerLot = 73;      // checked by PlanLot
constexpr char kBulkFin[] = "A9998";  // API lots get A9999 from AllocateDin
constexpr char kApiFin[] = "A9999";

std::string ProductCode(const char* description_code, int division) {
  // Divisions 00, 01, ... as d (0-9 A-Z) and s (0-9).
  static constexpr char kD[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  isbt128::ProductCode code{
      description_code,
      absl::StrCat("V", std::string(1, kD[division / 10]), division % 10)};
  return OrDie(isbt128::EncodeProductCode(code), "product code");
}

// The 73 items of donor lot number `lot` (0 = the oldest), parents before
// children. `dose_dins` are the doses' own DINs; patients are numbered from
// `first_patient`.
std::vector<PlannedItem> PlanLot(int lot, const std::string& donor_din,
                                 const std::vector<std::string>& dose_dins,
                                 int first_patient, absl::Time made_at,
                                 const Shared& shared) {
  std::vector<PlannedItem> items;
  const int receiving = lot % kTechnicianCount;
  const int culture = (lot + 3) % kTechnicianCount;
  const int fill = (lot + 6) % kTechnicianCount;
  auto add = [&](v1::ItemType type, int technician, std::string description) {
    PlannedItem item;
    item.type = type;
    item.technician = technician;
    item.description = std::move(description);
    items.push_back(std::move(item));
    return static_cast<int>(items.size()) - 1;
  };
  auto link = [&](int child, int parent, v1::DerivationKind kind,
                  bool later = false) {
    items[child].parents.push_back({parent, "", kind, later});
    // What a step takes from is used up, but for the donor lot, which
    // stays as the lot that a recall starts from, and a sampled item.
    if (kind != v1::DERIVATION_KIND_SAMPLE &&
        items[parent].type != v1::ITEM_TYPE_DONOR_LOT) {
      items[parent].consumed = true;
    }
  };
  auto material = [&](int child, Reagent kind) {
    items[child].parents.push_back(
        {-1, shared.ReagentFor(kind, lot), v1::DERIVATION_KIND_MATERIAL});
  };
  auto equipment = [&](int child, Equipment kind, int shift = 0) {
    items[child].parents.push_back({-1, shared.EquipmentFor(kind, lot, shift),
                                    v1::DERIVATION_KIND_EQUIPMENT});
  };
  auto sample = [&](int parent, const char* test) {
    int s = add(v1::ITEM_TYPE_QC_SAMPLE, items[parent].technician,
                absl::StrCat(test, " sample"));
    items[s].local_code = absl::StrCat("QC-", donor_din, "-", s);
    items[s].consumed = true;  // used up by the test
    link(s, parent, v1::DERIVATION_KIND_SAMPLE);
  };

  const int donor = add(v1::ITEM_TYPE_DONOR_LOT, receiving, "umbilical cord");
  items[donor].din = donor_din;
  const int tissue =
      add(v1::ITEM_TYPE_TISSUE_CONTAINER, receiving, "cord tissue container");
  items[tissue].din = donor_din;
  items[tissue].product_code = ProductCode("S1001", 0);
  link(tissue, donor, v1::DERIVATION_KIND_ALIQUOT);
  material(tissue, kTransportMedium);

  std::vector<int> passage;
  for (int p = 0; p < kPassages; ++p) {
    std::vector<int> next;
    const int vessels = kP0Vessels << p;
    for (int v = 0; v < vessels; ++v) {
      int vessel =
          add(v1::ITEM_TYPE_CULTURE_VESSEL, p == 0 ? receiving : culture,
              absl::StrFormat("P%d %s %d/%d", p,
                              p < 2 ? "T175 flask" : "CellSTACK-2", v + 1,
                              vessels));
      items[vessel].local_code =
          absl::StrCat("CV-", donor_din, "-P", p, "-", v + 1);
      if (p == 0) {
        link(vessel, tissue, v1::DERIVATION_KIND_PROCESSING);
        material(vessel, kCollagenase);
      } else {
        link(vessel, passage[v / 2], v1::DERIVATION_KIND_PASSAGE);
        material(vessel, kTrypLE);
      }
      material(vessel, kBasalMedium);
      material(vessel, kPlateletLysate);
      equipment(vessel, kSafetyCabinet);
      equipment(vessel, kIncubator);
      next.push_back(vessel);
    }
    passage = std::move(next);
    if (p == 1 || p == 3) sample(passage.front(), "in-process mycoplasma");
  }

  const int product =
      add(v1::ITEM_TYPE_PRODUCT_LOT, fill, "harvested MSC product lot");
  items[product].din = donor_din;
  items[product].product_code = ProductCode("S1002", 0);
  for (size_t v = 0; v < passage.size(); ++v) {
    link(product, passage[v], v1::DERIVATION_KIND_HARVEST, /*later=*/v > 0);
  }
  material(product, kTrypLE);
  material(product, kDpbs);
  equipment(product, kSafetyCabinet);
  equipment(product, kCentrifuge);
  equipment(product, kCellCounter);
  for (const char* test :
       {"sterility", "mycoplasma", "endotoxin", "identity flow cytometry",
        "karyotype", "viable cell count"}) {
    sample(product, test);
  }

  std::vector<int> vials;
  for (int k = 0; k < kCryovials; ++k) {
    int vial = add(v1::ITEM_TYPE_CRYOVIAL, fill,
                   absl::StrFormat("cryovial %d/%d", k + 1, kCryovials));
    items[vial].din = donor_din;
    items[vial].product_code = ProductCode("S1003", k + 1);
    link(vial, product, v1::DERIVATION_KIND_CRYOPRESERVATION);
    material(vial, kCryomedium);
    equipment(vial, kRateFreezer);
    vials.push_back(vial);
  }

  const absl::CivilMinute expiry =
      absl::ToCivilMinute(made_at + absl::Hours(24 * 40), absl::UTCTimeZone());
  const int year = static_cast<int>(
      absl::ToCivilYear(made_at, absl::UTCTimeZone()).year() % 100);
  for (int d = 0; d < kDoses; ++d) {
    const int preparer = (lot + 8 + d) % kTechnicianCount;
    int thawed =
        add(v1::ITEM_TYPE_CULTURE_VESSEL, preparer, "thawed vial, washed");
    items[thawed].local_code = absl::StrCat("TV-", donor_din, "-", d + 1);
    link(thawed, vials[static_cast<size_t>(d * (kCryovials / kDoses))],
         v1::DERIVATION_KIND_THAW);
    material(thawed, kDpbs);
    equipment(thawed, kThawer);
    equipment(thawed, kSafetyCabinet, 1);
    int dose = add(v1::ITEM_TYPE_DOSE_BAG, preparer,
                   "1e7 viable MSC in 20 ml heparinized saline");
    items[dose].din = dose_dins[static_cast<size_t>(d)];
    items[dose].product_code = ProductCode("S1004", 0);
    items[dose].expiration =
        OrDie(isbt128::EncodeExpiration(expiry), "expiration");
    items[dose].chain_of_identity = isbt128::EncodeChainOfIdentity(
        OrDie(isbt128::ChainOfIdentityId::Create(
                  kApiFin, year, absl::StrFormat("%06d", first_patient + d)),
              "chain of identity"));
    items[dose].patient_id = absl::StrFormat("PT-%06d", first_patient + d);
    link(dose, thawed, v1::DERIVATION_KIND_FORMULATION);
    material(dose, kHeparin);
    material(dose, kSaline);
    equipment(dose, kSafetyCabinet, 1);
  }
  if (items.size() != kItemsPerLot) {
    Fail(absl::StrCat("the plan has ", items.size(), " items, not ",
                      kItemsPerLot));
  }
  return items;
}

// ---- the API path
// ------------------------------------------------------------

common::v1::RequestContext NewContext(std::string reason = "") {
  common::v1::RequestContext context;
  context.set_request_id(crypto::RandomId("req"));
  context.set_reason(std::move(reason));
  return context;
}

std::string RegisterShared(Custody& custody, const Person& person,
                           v1::ItemType type, std::string local_code,
                           std::string description, Shared& shared) {
  v1::RegisterItemRequest request;
  *request.mutable_context() = NewContext();
  request.set_type(type);
  request.set_local_code(std::move(local_code));
  request.set_description(std::move(description));
  std::string id = OrDie(custody.RegisterItem(PrincipalOf(person), request),
                         "registering " + request.local_code())
                       .item()
                       .item_id();
  shared.items[id] = {type, person.user_id};
  return id;
}

struct ApiLot {
  std::vector<PlannedItem> plan;
  std::vector<std::string> ids;  // by plan index
  std::vector<int> doses;        // plan indexes
};

std::string AllocateDin(Custody& custody, const auth::Principal& caller) {
  v1::AllocateDinRequest request;
  *request.mutable_context() = NewContext();
  request.set_fin(kApiFin);
  return OrDie(custody.AllocateDin(caller, request), "AllocateDin")
      .allocation()
      .din();
}

// Runs the plan of one lot through the API; returns the number of calls.
int RunLotThroughApi(Custody& custody, int lot, int first_patient,
                     const Shared& shared, ApiLot& out) {
  int calls = 0;
  const auth::Principal receiving =
      PrincipalOf(kTechnicians[lot % kTechnicianCount]);
  const std::string donor_din = AllocateDin(custody, receiving);
  std::vector<std::string> dose_dins;
  for (int d = 0; d < kDoses; ++d) {
    dose_dins.push_back(AllocateDin(
        custody, PrincipalOf(kTechnicians[(lot + 8 + d) % kTechnicianCount])));
  }
  calls += 1 + kDoses;
  out.plan =
      PlanLot(lot, donor_din, dose_dins, first_patient, absl::Now(), shared);
  out.ids.assign(out.plan.size(), "");
  for (size_t i = 0; i < out.plan.size(); ++i) {
    const PlannedItem& item = out.plan[i];
    const auth::Principal caller = PrincipalOf(kTechnicians[item.technician]);
    v1::RegisterItemRequest request;
    *request.mutable_context() = NewContext();
    request.set_type(item.type);
    request.set_din(item.din);
    request.set_product_code(item.product_code);
    request.set_expiration(item.expiration);
    request.set_chain_of_identity(item.chain_of_identity);
    request.set_local_code(item.local_code);
    request.set_description(item.description);
    request.set_patient_id(item.patient_id);
    for (const PlannedLink& link : item.parents) {
      if (link.later) continue;
      v1::ParentLink* parent = request.add_parents();
      parent->set_parent_item_id(link.parent >= 0
                                     ? out.ids[static_cast<size_t>(link.parent)]
                                     : link.shared_parent);
      parent->set_kind(link.kind);
    }
    out.ids[i] = OrDie(custody.RegisterItem(caller, request),
                       absl::StrCat("RegisterItem ", item.description))
                     .item()
                     .item_id();
    ++calls;
    for (const PlannedLink& link : item.parents) {
      if (!link.later) continue;
      v1::LinkParentRequest linked;
      *linked.mutable_context() = NewContext("vessel pooled into the harvest");
      linked.set_item_id(out.ids[i]);
      linked.set_parent_item_id(out.ids[static_cast<size_t>(link.parent)]);
      linked.set_kind(link.kind);
      OrDie(custody.LinkParent(caller, linked).status(), "LinkParent");
      ++calls;
    }
    if (item.type == v1::ITEM_TYPE_DOSE_BAG) {
      out.doses.push_back(static_cast<int>(i));
    }
  }
  // Used-up items end once everything made from them is registered.
  for (size_t i = 0; i < out.plan.size(); ++i) {
    if (!out.plan[i].consumed) continue;
    v1::EndItemRequest request;
    *request.mutable_context() = NewContext();
    request.set_item_id(out.ids[i]);
    request.set_outcome(v1::ITEM_STATE_CONSUMED);
    OrDie(
        custody
            .EndItem(PrincipalOf(kTechnicians[out.plan[i].technician]), request)
            .status(),
        "EndItem");
    ++calls;
  }
  return calls;
}

// ---- the bulk path
// -----------------------------------------------------------


std::optional<std::string> OrNull(const std::string& value) {
  if (value.empty()) return std::nullopt;
  return value;
}

std::string TimestampText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", t, absl::UTCTimeZone());
}

// Columns of the rows waiting to be inserted, flushed in one transaction.
class BulkWriter {
 public:
  BulkWriter(pg::Connection& admin, std::string key_id, int record_bytes)
      : admin_(admin),
        key_id_(std::move(key_id)),
        record_bytes_(static_cast<size_t>(record_bytes), '\xab') {}

  void AddLot(const std::vector<PlannedItem>& plan, absl::Time made_at,
              int count = kItemsPerLot) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
      const PlannedItem& item = plan[static_cast<size_t>(i)];
      ids.push_back(crypto::RandomId("itm"));
      const std::string& id = ids.back();
      const absl::Time at = made_at + absl::Hours(8 * i);
      const std::string at_text = TimestampText(at);
      const std::string user = kTechnicians[item.technician].user_id;
      // An item of a lot still in manufacture is used up only when what
      // was made from it is there.
      bool consumed = item.type == v1::ITEM_TYPE_QC_SAMPLE;
      int64_t seq = 1;
      const std::string register_record = crypto::RandomId("rec");
      AddRecord(register_record, id, seq, user, "item.register", item.din,
                at_text);
      for (const PlannedLink& link : item.parents) {
        std::string record = register_record;
        if (link.later) {
          record = crypto::RandomId("rec");
          AddRecord(record, id, ++seq, user, "item.link_parent", item.din,
                    at_text);
        }
        link_child_.push_back(id);
        link_parent_.push_back(link.parent >= 0
                                   ? ids[static_cast<size_t>(link.parent)]
                                   : link.shared_parent);
        link_kind_.push_back(absl::StrCat(static_cast<int>(link.kind)));
        link_record_.push_back(record);
      }
      for (int j = i + 1; j < count && !consumed && item.consumed; ++j) {
        for (const PlannedLink& link : plan[static_cast<size_t>(j)].parents) {
          consumed |=
              link.parent == i && link.kind != v1::DERIVATION_KIND_SAMPLE;
        }
      }
      if (consumed) {
        AddRecord(crypto::RandomId("rec"), id, ++seq, user, "item.end",
                  item.din, TimestampText(at + absl::Hours(4)));
      }
      item_id_.push_back(id);
      item_type_.push_back(absl::StrCat(static_cast<int>(item.type)));
      item_din_.push_back(OrNull(item.din));
      item_product_.push_back(OrNull(item.product_code));
      item_expiration_.push_back(OrNull(item.expiration));
      item_coi_.push_back(OrNull(item.chain_of_identity));
      item_local_.push_back(OrNull(item.local_code));
      item_description_.push_back(item.description);
      item_state_.push_back(consumed ? "consumed" : "available");
      item_custodian_.push_back(user);
      item_patient_.push_back(OrNull(item.patient_id));
      item_registered_.push_back(at_text);
      item_version_.push_back(absl::StrCat(seq));
    }
    if (item_id_.size() >= 10000) Flush();
  }

  void Flush() {
    if (item_id_.empty()) return;
    pg::Transaction tx = OrDie(pg::Transaction::Begin(admin_), "BEGIN");
    OrDie(tx.Exec("INSERT INTO cellchain_custody.items (item_id, type, din, "
                  "product_code, expiration, chain_of_identity, local_code, "
                  "description, state, custodian, patient_id, registered_at, "
                  "version) "
                  "SELECT * FROM unnest($1::text[], $2::int2[], $3::text[], "
                  "$4::text[], $5::text[], $6::text[], $7::text[], $8::text[], "
                  "$9::text[], $10::text[], $11::text[], $12::timestamptz[], "
                  "$13::int8[])",
                  {pg::TextArray(item_id_), pg::TextArray(item_type_),
                   pg::TextArray(item_din_), pg::TextArray(item_product_),
                   pg::TextArray(item_expiration_), pg::TextArray(item_coi_),
                   pg::TextArray(item_local_), pg::TextArray(item_description_),
                   pg::TextArray(item_state_), pg::TextArray(item_custodian_),
                   pg::TextArray(item_patient_), pg::TextArray(item_registered_),
                   pg::TextArray(item_version_)})
              .status(),
          "bulk items");
    OrDie(tx.Exec("INSERT INTO cellchain_custody.item_links (child_id, "
                  "parent_id, kind, record_id) "
                  "SELECT * FROM unnest($1::text[], $2::text[], $3::int2[], "
                  "$4::text[])",
                  {pg::TextArray(link_child_), pg::TextArray(link_parent_),
                   pg::TextArray(link_kind_), pg::TextArray(link_record_)})
              .status(),
          "bulk item links");
    // Made-up records of the real size, unsigned: the trace reads only
    // their actors (see the top of the file).
    OrDie(tx.Exec("INSERT INTO cellchain_audit.records (record_id, service, "
                  "key_id, recorded_at, entity_type, entity_id, entity_seq, "
                  "actor_user_id, action, din, request_id, record_bytes, "
                  "signature, leaf_hash, previous_entity_hash) "
                  "SELECT r.id, 'custody', $8, r.at, 'item', r.entity, r.seq, "
                  "r.actor, r.action, r.din, 'req' || substr(r.id, 4), $9, "
                  "decode(repeat('00', 64), 'hex'), "
                  "sha256(convert_to(r.id, 'UTF8')), "
                  "CASE WHEN r.seq > 1 THEN sha256(convert_to(r.entity || "
                  "(r.seq - 1), 'UTF8')) END "
                  "FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], "
                  "$5::text[], $6::text[], $7::timestamptz[]) "
                  "AS r(id, entity, seq, actor, action, din, at)",
                  {pg::TextArray(record_id_), pg::TextArray(record_entity_),
                   pg::TextArray(record_seq_), pg::TextArray(record_actor_),
                   pg::TextArray(record_action_), pg::TextArray(record_din_),
                   pg::TextArray(record_at_), key_id_,
                   pg::Param::Bytes(record_bytes_)})
              .status(),
          "bulk audit records");
    OrDie(tx.Commit(), "bulk COMMIT");
    items_written_ += static_cast<int64_t>(item_id_.size());
    for (Column* column :
         {&item_id_,        &item_type_,        &item_din_,
          &item_product_,   &item_expiration_,  &item_coi_,
          &item_local_,     &item_description_, &item_state_,
          &item_custodian_, &item_patient_,     &item_registered_,
          &item_version_,   &link_child_,       &link_parent_,
          &link_kind_,      &link_record_,      &record_id_,
          &record_entity_,  &record_seq_,       &record_actor_,
          &record_action_,  &record_din_,       &record_at_}) {
      column->clear();
    }
  }

  int64_t items_written() const { return items_written_; }

 private:
  using Column = std::vector<std::optional<std::string>>;

  void AddRecord(const std::string& record_id, const std::string& item_id,
                 int64_t seq, const std::string& actor, const char* action,
                 const std::string& din, const std::string& at) {
    record_id_.push_back(record_id);
    record_entity_.push_back(item_id);
    record_seq_.push_back(absl::StrCat(seq));
    record_actor_.push_back(actor);
    record_action_.push_back(std::string(action));
    record_din_.push_back(OrNull(din));
    record_at_.push_back(at);
  }

  pg::Connection& admin_;
  const std::string key_id_;
  const std::string record_bytes_;
  int64_t items_written_ = 0;
  Column item_id_, item_type_, item_din_, item_product_, item_expiration_,
      item_coi_, item_local_, item_description_, item_state_, item_custodian_,
      item_patient_, item_registered_, item_version_;
  Column link_child_, link_parent_, link_kind_, link_record_;
  Column record_id_, record_entity_, record_seq_, record_actor_, record_action_,
      record_din_, record_at_;
};

// ---- what a trace must find
// --------------------------------------------------

struct Expected {
  std::set<std::string> items, donor_lots, reagent_lots, equipment, qc_samples,
      operators, patients;
};

// Backward from plan item `root` of `lot`, or forward from it.
Expected ExpectedTrace(const ApiLot& lot, int root, bool forward,
                       const Shared& shared) {
  Expected e;
  std::set<int> in_lot;
  std::function<void(int)> visit = [&](int i) {
    if (!in_lot.insert(i).second) return;
    const PlannedItem& item = lot.plan[static_cast<size_t>(i)];
    if (forward) {
      for (size_t j = 0; j < lot.plan.size(); ++j) {
        for (const PlannedLink& link : lot.plan[j].parents) {
          if (link.parent == i) visit(static_cast<int>(j));
        }
      }
      return;
    }
    for (const PlannedLink& link : item.parents) {
      if (link.parent >= 0) {
        visit(link.parent);
      } else {
        e.items.insert(link.shared_parent);
      }
    }
  };
  visit(root);
  for (const std::string& id : e.items) {  // the shared ones, backward only
    const SharedItem& s = shared.items.at(id);
    (s.type == v1::ITEM_TYPE_REAGENT_LOT ? e.reagent_lots : e.equipment)
        .insert(id);
    e.operators.insert(s.registrar);
  }
  for (int i : in_lot) {
    const PlannedItem& item = lot.plan[static_cast<size_t>(i)];
    const std::string& id = lot.ids[static_cast<size_t>(i)];
    e.items.insert(id);
    e.operators.insert(kTechnicians[item.technician].user_id);
    if (item.type == v1::ITEM_TYPE_DONOR_LOT) e.donor_lots.insert(id);
    if (!item.patient_id.empty()) e.patients.insert(item.patient_id);
    if (forward && item.type == v1::ITEM_TYPE_QC_SAMPLE)
      e.qc_samples.insert(id);
  }
  if (!forward) {  // samples drawn from anything on the path
    for (size_t j = 0; j < lot.plan.size(); ++j) {
      if (lot.plan[j].type != v1::ITEM_TYPE_QC_SAMPLE) continue;
      for (const PlannedLink& link : lot.plan[j].parents) {
        if (link.parent >= 0 && in_lot.contains(link.parent)) {
          e.qc_samples.insert(lot.ids[j]);
          // Who drew and tested a sample is named too.
          e.operators.insert(kTechnicians[lot.plan[j].technician].user_id);
        }
      }
    }
  }
  return e;
}

int TreeNodes(const v1::TraceNode& node) {
  int n = 1;
  for (const v1::TraceNode& child : node.children()) n += TreeNodes(child);
  return n;
}

// Whether every link below `node` names the audit record that made it.
bool LinksHaveRecords(const v1::TraceNode& node) {
  for (const v1::TraceNode& child : node.children()) {
    if (child.record_id().empty() || !LinksHaveRecords(child)) return false;
  }
  return true;
}

template <typename List>
std::set<std::string> AsSet(const List& list) {
  return std::set<std::string>(list.begin(), list.end());
}

void Check(const v1::TraceResponse& r, const Expected& e, bool forward,
           const std::string& root) {
  std::string what =
      absl::StrCat(forward ? "forward" : "backward", " trace of ", root, ": ");
  auto same = [&](const char* field, const std::set<std::string>& got,
                  const std::set<std::string>& want) {
    if (got != want) {
      Fail(absl::StrCat(what, field, " has ", got.size(), " (",
                        absl::StrJoin(got, " "), "), expected ", want.size(),
                        " (", absl::StrJoin(want, " "), ")"));
    }
  };
  if (r.root().item().item_id() != root) Fail(what + "wrong root");
  if (r.item_count() != static_cast<int>(e.items.size())) {
    Fail(absl::StrCat(what, "item_count ", r.item_count(), ", expected ",
                      e.items.size()));
  }
  if (r.donor_lot_ids_size() != 1) {
    Fail(absl::StrCat(what, r.donor_lot_ids_size(),
                      " donor lots, expected exactly one"));
  }
  same("donor_lot_ids", AsSet(r.donor_lot_ids()), e.donor_lots);
  same("reagent_lot_ids", AsSet(r.reagent_lot_ids()), e.reagent_lots);
  same("equipment_ids", AsSet(r.equipment_ids()), e.equipment);
  same("qc_sample_ids", AsSet(r.qc_sample_ids()), e.qc_samples);
  if (r.operator_user_ids().empty()) Fail(what + "no operator");
  same("operator_user_ids", AsSet(r.operator_user_ids()), e.operators);
  std::set<std::string> patients;
  for (const v1::PatientReached& p : r.patients())
    patients.insert(p.patient_id());
  same("patients", patients, e.patients);
  if (!forward &&
      (e.reagent_lots.empty() || e.equipment.empty() || e.qc_samples.empty())) {
    Fail(what + "the plan gives a dose no reagent lot, equipment or sample");
  }
  if (!LinksHaveRecords(r.root())) Fail(what + "a link without its record");
}

// ---- timing ----------------------------------------------------------------

struct Figures {
  std::vector<double> ms;  // sorted
  double seconds = 0;
  int min_items = 0, max_items = 0, min_tree = 0, max_tree = 0;
  double mean_items = 0, mean_tree = 0;
};

double Percentile(const std::vector<double>& sorted, double p) {
  size_t index =
      static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

struct Target {
  std::string item_id;
  Expected expected;
};

Figures Measure(Custody& custody, const std::vector<Target>& targets,
                bool forward, int warmup, int iterations) {
  Figures f;
  f.min_items = f.min_tree = 1 << 30;
  auto trace = [&](int i, bool timed) {
    const Target& target = targets[static_cast<size_t>(i) % targets.size()];
    v1::TraceRequest request;
    request.set_item_id(target.item_id);
    const SteadyClock::time_point t0 = SteadyClock::now();
    absl::StatusOr<v1::TraceResponse> r = forward
                                              ? custody.TraceForward(request)
                                              : custody.TraceBackward(request);
    const SteadyClock::time_point t1 = SteadyClock::now();
    if (!r.ok()) Die("trace of " + target.item_id, r.status());
    Check(*r, target.expected, forward, target.item_id);
    if (!timed) return;
    f.ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    const int tree = TreeNodes(r->root());
    f.min_items = std::min(f.min_items, r->item_count());
    f.max_items = std::max(f.max_items, r->item_count());
    f.min_tree = std::min(f.min_tree, tree);
    f.max_tree = std::max(f.max_tree, tree);
    f.mean_items += r->item_count();
    f.mean_tree += tree;
  };
  for (int i = 0; i < warmup; ++i) trace(i, false);
  const SteadyClock::time_point start = SteadyClock::now();
  for (int i = 0; i < iterations; ++i) trace(i, true);
  f.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  f.mean_items /= iterations;
  f.mean_tree /= iterations;
  std::sort(f.ms.begin(), f.ms.end());
  return f;
}

void Print(const std::string& what, const Figures& f, int targets,
           const Expected& example) {
  std::cout
      << absl::StrFormat(
             "\n%s (%d traces cycling over %d roots, single-threaded)\n"
             "  nodes per trace: %.1f distinct items (%d..%d), %.1f tree nodes "
             "(%d..%d, shared items shown once)\n"
             "  e.g. %d reagent lots, %d equipment, %d QC samples, %d "
             "operators, "
             "%d patients\n"
             "  latency p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms; "
             "%.0f traces/s\n",
             what, static_cast<int>(f.ms.size()), targets, f.mean_items,
             f.min_items, f.max_items, f.mean_tree, f.min_tree, f.max_tree,
             static_cast<int>(example.reagent_lots.size()),
             static_cast<int>(example.equipment.size()),
             static_cast<int>(example.qc_samples.size()),
             static_cast<int>(example.operators.size()),
             static_cast<int>(example.patients.size()), Percentile(f.ms, 0.50),
             Percentile(f.ms, 0.95), Percentile(f.ms, 0.99), f.ms.back(),
             static_cast<double>(f.ms.size()) / f.seconds)
      << std::flush;
}

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// What autovacuum does to tables filled over time (see the top of the file).
void VacuumAnalyze(pg::Connection& admin) {
  const SteadyClock::time_point start = SteadyClock::now();
  OrDie(admin.ExecScript("VACUUM ANALYZE"), "VACUUM ANALYZE");
  std::cout << absl::StrFormat("VACUUM ANALYZE in %.1f s\n",
                               SecondsSince(start))
            << std::flush;
}

int Main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  bench::ExitOnSignals();

  std::cout << "# custody_trace_bench\nmachine: " << bench::Machine()
            << "; load average " << bench::LoadAverage() << "\n";

  // How many of each: the shared items first, then whole donor lots.
  const int lots_estimate = std::max(1, flags.items / kItemsPerLot);
  const int reagent_lots_per_kind =
      (lots_estimate + 3 * kReagentKinds) / kDonorLotsPerReagentLot + 1;
  int equipment_count = 0;
  for (int units : kEquipmentUnits) equipment_count += units;
  const int shared_count =
      reagent_lots_per_kind * kReagentKinds + equipment_count;
  const int api_items = flags.api_lots * kItemsPerLot;
  if (flags.items < shared_count + api_items) {
    bench::Usage(
        absl::StrCat("--items must be at least ", shared_count + api_items,
                     " (", shared_count, " reagent lots and equipment, ",
                     flags.api_lots, " API lots of ", kItemsPerLot, " items)"),
        "[flags] (--help lists them)");
  }
  const int bulk_items = flags.items - shared_count - api_items;
  const int bulk_lots = bulk_items / kItemsPerLot;
  const int partial_items = bulk_items % kItemsPerLot;  // a lot in manufacture

  int rc = 0;
  {
    auto [db, admin] = bench::OpenDatabaseOrDie("cc-trace-bench", flags.port);
    const std::string role =
        OrDie(db->CreateLoginRole("cellchain_custody"), "creating a role");
    const std::string conninfo = db->ConninfoAs(role);
    std::cout << "\ndatabase: " << FirstLine(Setting(admin, "SELECT version()"))
              << "\nsynchronous_commit="
              << Setting(admin, "SHOW synchronous_commit")
              << " shared_buffers=" << Setting(admin, "SHOW shared_buffers")
              << " work_mem=" << Setting(admin, "SHOW work_mem")
              << " (Unix socket; Custody as a member of cellchain_custody)\n";

    std::unique_ptr<ledger::Ledger> ledger = OrDie(
        ledger::Ledger::Create(
            "custody", OrDie(crypto::Ed25519PrivateKey::Generate(), "key"),
            ledger::RealClock()),
        "ledger");
    // The owner registers the key, as `cellchaind migrate --keyring` does.
    OrDie(ledger->RegisterKey(admin), "registering the key");
    auto pool = OrDie(pg::Pool::Create({.name = "custody",
                                        .conninfo = conninfo,
                                        .size = 2,
                                        .acquire_timeout = absl::Seconds(30)}),
                      "pool");
    // No SignatureAuthority: the benchmark never releases a hold.
    Custody custody(pool.get(), ledger.get(), nullptr, ledger::RealClock());

    // 1. Reagent lots and equipment, through the API.
    SteadyClock::time_point start = SteadyClock::now();
    Shared shared;
    for (int kind = 0; kind < kReagentKinds; ++kind) {
      for (int n = 0; n < reagent_lots_per_kind; ++n) {
        shared.reagents[kind].push_back(RegisterShared(
            custody, kStores, v1::ITEM_TYPE_REAGENT_LOT,
            absl::StrFormat("RGT-%s-%05d", kReagentCodes[kind], n + 1),
            absl::StrFormat("%s, lot %05d", kReagentNames[kind], n + 1),
            shared));
      }
    }
    for (int kind = 0; kind < kEquipmentKinds; ++kind) {
      for (int n = 0; n < kEquipmentUnits[kind]; ++n) {
        shared.equipment[kind].push_back(RegisterShared(
            custody, kEngineering, v1::ITEM_TYPE_EQUIPMENT,
            absl::StrFormat("EQ-%s-%02d", kEquipmentCodes[kind], n + 1),
            absl::StrFormat("%s %d", kEquipmentNames[kind], n + 1), shared));
      }
    }
    const double shared_seconds = SecondsSince(start);
    std::cout << absl::StrFormat(
                     "\nloading: %d reagent lots and equipment through the "
                     "API in %.1f s\n",
                     shared_count, shared_seconds)
              << std::flush;

    // 2. The older donor lots, bulk-inserted. Lots were made over about
    // three years, one every ~18 hours, the newest (the API lots) today.
    start = SteadyClock::now();
    const int total_lots =
        bulk_lots + (partial_items > 0 ? 1 : 0) + flags.api_lots;
    const absl::Time now = absl::Now();
    auto made_at = [&](int lot) {
      return now - absl::Hours(18) * (total_lots - lot) - absl::Hours(24 * 40);
    };
    {
      BulkWriter bulk(admin, ledger->key_id(), 800);
      int bulk_sequence = 0;
      auto plan_bulk = [&](int lot) {
        const absl::Time at = made_at(lot);
        const int year = static_cast<int>(
            absl::ToCivilYear(at, absl::UTCTimeZone()).year() % 100);
        auto din = [&] {
          return OrDie(isbt128::Din::Create(kBulkFin, year, ++bulk_sequence),
                       "DIN")
              .ToString();
        };
        std::string donor_din = din();
        std::vector<std::string> dose_dins;
        for (int d = 0; d < kDoses; ++d) dose_dins.push_back(din());
        return PlanLot(lot, donor_din, dose_dins, lot * kDoses, at, shared);
      };
      for (int lot = 0; lot < bulk_lots; ++lot) {
        bulk.AddLot(plan_bulk(lot), made_at(lot));
      }
      if (partial_items > 0) {
        bulk.AddLot(plan_bulk(bulk_lots), made_at(bulk_lots), partial_items);
      }
      bulk.Flush();
    }
    const double bulk_seconds = SecondsSince(start);
    std::cout << absl::StrFormat(
                     "loading: %d items (%d donor lots%s) bulk-inserted with "
                     "SQL in %.1f s\n",
                     bulk_items, bulk_lots,
                     partial_items > 0
                         ? absl::StrCat(" and one of ", partial_items,
                                        " items still in manufacture")
                         : "",
                     bulk_seconds)
              << std::flush;

    VacuumAnalyze(admin);

    // 3. The traced lots, through the API.
    start = SteadyClock::now();
    std::vector<ApiLot> api(static_cast<size_t>(flags.api_lots));
    int calls = 0;
    for (int i = 0; i < flags.api_lots; ++i) {
      const int lot = total_lots - flags.api_lots + i;
      calls += RunLotThroughApi(custody, lot, lot * kDoses, shared,
                                api[static_cast<size_t>(i)]);
    }
    const double api_seconds = SecondsSince(start);
    std::cout << absl::StrFormat(
                     "loading: %d donor lots (%d items) through the API in "
                     "%.1f s: %d calls, %.1f ms per call\n",
                     flags.api_lots, api_items, api_seconds, calls,
                     1000 * api_seconds / calls)
              << std::flush;

    VacuumAnalyze(admin);

    const int64_t items =
        Count(admin, "SELECT count(*) FROM cellchain_custody.items");
    const int64_t links =
        Count(admin, "SELECT count(*) FROM cellchain_custody.item_links");
    const int64_t records =
        Count(admin, "SELECT count(*) FROM cellchain_audit.records");
    const int64_t signed_records =
        Count(admin,
              "SELECT count(*) FROM cellchain_audit.records "
              "WHERE signature <> decode(repeat('00', 64), 'hex')");
    const int64_t largest_fanout =
        Count(admin,
              "SELECT max(n) FROM (SELECT count(*) AS n FROM "
              "cellchain_custody.item_links GROUP BY parent_id) c");
    std::cout << absl::StrFormat(
                     "\nitems stored: %d (through the API: %d; bulk-inserted: "
                     "%d); item "
                     "links: %d; the most children of one item: %d (shared "
                     "equipment)\n"
                     "audit records: %d, of which %d signed through the API\n",
                     items, shared_count + api_items, bulk_items, links,
                     largest_fanout, records, signed_records)
              << std::flush;
    if (items != flags.items) {
      Fail(absl::StrCat(items, " items stored, expected ", flags.items));
    }

    std::vector<Target> doses, donor_lots;
    for (const ApiLot& lot : api) {
      for (int d : lot.doses) {
        doses.push_back({lot.ids[static_cast<size_t>(d)],
                         ExpectedTrace(lot, d, /*forward=*/false, shared)});
      }
      donor_lots.push_back(
          {lot.ids[0], ExpectedTrace(lot, 0, /*forward=*/true, shared)});
    }
    const Figures backward = Measure(custody, doses, /*forward=*/false,
                                     flags.warmup, flags.backward_iterations);
    Print("TraceBackward of a dose", backward, static_cast<int>(doses.size()),
          doses.front().expected);
    const Figures forward = Measure(custody, donor_lots, /*forward=*/true,
                                    flags.warmup, flags.forward_iterations);
    Print("TraceForward of a donor lot", forward,
          static_cast<int>(donor_lots.size()), donor_lots.front().expected);

    const double p99 = Percentile(backward.ms, 0.99);
    std::cout << "\ntarget: backward trace p99 <= 20 ms with 100,000 items "
                 "stored\n"
              << absl::StrFormat(
                     "result: backward trace p99 %.2f ms with %d items stored: "
                     "%s\n",
                     p99, items,
                     p99 <= 20 && items >= 100000 ? "met" : "NOT met");
  }
  return rc;
}

}  // namespace
}  // namespace cellchain::custody

int main(int argc, char** argv) { return cellchain::custody::Main(argc, argv); }
