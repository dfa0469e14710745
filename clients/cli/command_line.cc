#include "clients/cli/command_line.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/session.h"

namespace cellchain::cli {
namespace {

// Binds every flag to its field of `line->options`.
void Declare(config::Loader& loader, CommandLine& line) {
  loader.String("target", &line.options.target, "Server address, HOST:PORT.");
  loader
      .ReadableFile("ca", &line.options.ca,
                    "PEM CA that issued the server's certificate.")
      .Required();
  loader
      .ReadableFile("cert", &line.options.cert,
                    "PEM client certificate of this workstation.")
      .Required();
  loader
      .ReadableFile("key", &line.options.key, "PEM private key of this client.")
      .Required();
  loader.Duration("deadline", &line.options.deadline, "Deadline of each call.");
  loader.String("entity-type", &line.options.entity_type,
                "audit: entity type filter.");
  loader.String("entity-id", &line.options.entity_id,
                "audit: entity id filter.");
  loader.String("din", &line.options.din,
                "audit: ISBT 128 DIN filter; donor lot/lots: the lot's DIN.");
  loader.String("actor", &line.options.actor, "audit: actor user id filter.");
  loader.String("action", &line.options.action, "audit: action filter.");
  loader.String("from", &line.options.from,
                "audit: records at or after (RFC 3339).");
  loader.String("before", &line.options.before,
                "audit: records before (RFC 3339).");
  loader.Bool("newest-first", &line.options.newest_first,
              "audit query: newest first.");
  loader.Int64("page-size", &line.options.page_size, 1, 1000,
               "audit query: records per page.");
  loader.String("record-id", &line.options.record_id,
                "audit proof: the record.");
  loader.Int64("tree-size", &line.options.tree_size, 0, INT64_MAX,
               "audit checkpoint/proof: a checkpointed size (0: latest).");
  loader.String("out", &line.options.out,
                "audit export: the bundle directory.");
  loader.String("save", &line.options.save,
                "audit checkpoint: also save it (with the log's key) to this "
                "file,\nto keep outside the database.");
  loader.String("since", &line.options.since,
                "audit verify: a checkpoint file saved before; the log must "
                "still\ncontain what it covers.");
  loader.Bool("include-state", &line.options.include_state,
              "audit export: include each entity's current state.");
  line.options.session_file = DefaultSessionFile();
  loader.String("session-file", &line.options.session_file,
                "Where login saves the session token and other commands "
                "read it.\n$CELLCHAIN_SESSION_TOKEN, when set, is used "
                "instead.");
  loader.String("user-id", &line.options.user_id,
                "login, user *: the user id.");
  loader.String("printed-name", &line.options.printed_name,
                "user create: the name e-signatures show.");
  loader.List("roles", &line.options.roles,
              "user create/roles: technician, qc_analyst, qa, pharmacist,\n"
              "clinician, admin (comma-separated).");
  loader.String("reason", &line.options.reason,
                "user *: why the change is made (audited).");
  loader.Bool("password-stdin", &line.options.password_stdin,
              "Read passwords from stdin, one line each (passwd: current,\n"
              "then new) instead of prompting at the terminal.");
  loader.String("password-env", &line.options.password_env,
                "Read the password from this environment variable (its "
                "name,\nnot the password).");
  loader.String("new-password-env", &line.options.new_password_env,
                "passwd: read the new password from this environment "
                "variable.");
  loader.String(
      "item-id", &line.options.item_id,
      "custody: the item; manufacturing thaw: the vial (itm_..., its\n"
      "local code or its DIN).");
  loader.String("type", &line.options.item_type,
                "custody register: donor_lot, tissue_container, "
                "culture_vessel,\ncryovial, qc_sample, dose_bag, reagent_lot, "
                "equipment, product_lot.");
  loader.String("local-code", &line.options.local_code,
                "custody register: a local barcode (items without a DIN).");
  loader.String("product-code", &line.options.product_code,
                "custody register: ISBT 128 data structure 003 (=<...).");
  loader.String("expiration", &line.options.expiration,
                "custody register: ISBT 128 data structure 005 (&>...).");
  loader.String("chain-of-identity", &line.options.chain_of_identity,
                "custody register: ISBT 128 data structure 040.");
  loader.String("description", &line.options.description,
                "custody register, manufacturing deviation-record: free "
                "text.");
  loader.List("parents", &line.options.parents,
              "custody register/link: ITEM_ID:KIND,... (kinds: aliquot, "
              "split,\npool, passage, thaw, formulation, processing,\n"
              "cryopreservation, harvest, sample, material, equipment).");
  loader.String(
      "location-id", &line.options.location_id,
      "custody, donor receive, manufacturing: a location, loc_... or\n"
      "its path of names in any case (FRZ-01/R2/B3/A1, \"Culture "
      "room\").");
  loader.String("patient-id", &line.options.patient_id,
                "custody register/end: the trial subject (e.g. RH-017).");
  loader.String("to-user", &line.options.to_user,
                "custody handoff: the recipient.");
  loader.String("to-location", &line.options.to_location,
                "custody handoff: the destination location (loc_... or its "
                "path).");
  loader.String("carrier", &line.options.carrier,
                "custody handoff: who carries it (default: you).");
  loader.String("condition", &line.options.condition,
                "custody handoff/accept: the item's condition.");
  loader.Bool("seal-broken", &line.options.seal_broken,
              "custody handoff/accept: the seal is NOT intact (accept: the\n"
              "item goes on hold).");
  loader.String("scan", &line.options.scan,
                "custody accept/find: what the scanner read; - reads one "
                "line\nfrom stdin (keyboard-wedge scanner).");
  loader.String("handoff-id", &line.options.handoff_id,
                "custody accept/cancel-handoff.");
  loader.String("hold-id", &line.options.hold_id,
                "custody release-hold: the hold.");
  loader.String("outcome", &line.options.outcome,
                "custody end: consumed, infused or discarded.");
  loader.String("fin", &line.options.fin,
                "custody din: the Facility Identification Number.");
  loader.String("kind", &line.options.kind,
                "custody location-add: site, room, freezer, rack, box, "
                "position;\nmanufacturing material-*/equipment-*: the "
                "material or equipment kind.");
  loader.String("name", &line.options.name,
                "custody location-add; manufacturing material-receive/\n"
                "equipment-register: the name.");
  loader.String("parent-location", &line.options.parent_location,
                "custody location-add/locations: the enclosing location "
                "(loc_...\nor its path).");
  loader.String("grid", &line.options.grid,
                "custody location-add --kind=box: ROWSxCOLUMNS (9x9), its\n"
                "positions created with it, named A1, A2, ... I9.");
  loader.String("logger-id", &line.options.logger_id,
                "custody temperatures: the data logger.");
  loader.List("readings", &line.options.readings,
              "custody temperatures: TIME=CELSIUS,... (RFC 3339 times).");
  loader.String("min-celsius", &line.options.min_celsius,
                "custody set-limits; donor receive: lowest transport "
                "reading.");
  loader.String("max-celsius", &line.options.max_celsius,
                "custody set-limits; donor receive: highest transport "
                "reading.");
  loader.String("direction", &line.options.direction,
                "custody trace: backward (to the donor) or forward (to the\n"
                "patients).");
  loader.String("donor-code", &line.options.donor_code,
                "donor: the donor (DNR-...).");
  loader.Bool("identifying-stdin", &line.options.identifying_stdin,
              "donor register: read name=, date_of_birth=, mrn= lines from\n"
              "stdin.");
  loader.Bool("reveal", &line.options.reveal,
              "donor show: include identifying data (QA; audited; needs\n"
              "--reason).");
  loader.String("form-version", &line.options.form_version, "donor consent.");
  loader.String("consented-at", &line.options.consented_at,
                "donor consent: when.");
  loader.String("taken-by", &line.options.taken_by,
                "donor consent: who took it (printed name).");
  loader.String("witness", &line.options.witness,
                "donor consent: the witness.");
  loader.List("test", &line.options.tests,
              "donor screen: CODE[:RESULT[:METHOD[:KIT_LOT]]], a test of the\n"
              "panel and its result; repeatable (the whole panel at once).");
  loader.ReadableFile("panel-file", &line.options.panel_file,
                      "donor screen: a file of CODE:RESULT[:METHOD[:KIT_LOT]] "
                      "lines\n(# comments), after the --test entries.");
  loader.String("method", &line.options.method,
                "donor screen: the method; manufacturing processing: "
                "explant or\nenzymatic.");
  loader.String("kit-lot", &line.options.kit_lot,
                "donor screen: the kit's lot.");
  loader.String("drawn-at", &line.options.drawn_at,
                "donor screen: specimen drawn at.");
  loader.String("result", &line.options.result,
                "donor screen: non_reactive, reactive, indeterminate.");
  loader.String("delivered-at", &line.options.delivered_at,
                "donor register/receive: the birth.");
  loader.String("collected-at", &line.options.collected_at,
                "donor receive: cord collected at.");
  loader.String("received-at", &line.options.received_at,
                "donor receive: received at the lab; manufacturing "
                "material-receive:\nwhen the lot was received (default: "
                "now).");
  loader.String("weight-grams", &line.options.weight_grams,
                "donor receive: tissue weight.");
  loader.String("deviation-id", &line.options.deviation_id,
                "donor assess; manufacturing deviation-assess.");
  loader.String("decision", &line.options.decision,
                "donor assess: acceptable or not_acceptable.");
  loader.String("assessment", &line.options.assessment,
                "donor assess, manufacturing deviation-assess: QA's text.");
  loader.String("lot-id", &line.options.lot_id,
                "donor: the donor lot; manufacturing batch-start/batch-list: "
                "the\ndonor lot of the batch (lot_... or its DIN as printed "
                "or scanned).");
  loader.String("state", &line.options.state,
                "donor lots: quarantine, available or discarded;\n"
                "manufacturing batch-list: in_process, qc_pending, aborted.");
  loader.String("material-id", &line.options.material_id,
                "manufacturing material-*: the material lot (mat_... or its\n"
                "MAT- code, in any case).");
  loader.String("supplier", &line.options.supplier,
                "manufacturing material-receive.");
  loader.String("supplier-lot", &line.options.supplier_lot,
                "manufacturing material-receive: the supplier's lot number.");
  loader.String("expires-on", &line.options.expires_on,
                "manufacturing material-receive: YYYY-MM-DD, usable through "
                "it.");
  loader.String("status", &line.options.status,
                "manufacturing material-list: quarantine, released, "
                "rejected;\nequipment-status: in_service, out_of_service.");
  loader.String("equipment-id", &line.options.equipment_id,
                "manufacturing equipment-*: the equipment (eqp_... or its "
                "asset\ntag, in any case).");
  loader.String("asset-tag", &line.options.asset_tag,
                "manufacturing equipment-register: its label.");
  loader.String("calibrated-on", &line.options.calibrated_on,
                "manufacturing equipment-*: YYYY-MM-DD.");
  loader.String("calibration-due", &line.options.calibration_due,
                "manufacturing equipment-*: YYYY-MM-DD, usable through it.");
  loader.String("calibration-reference", &line.options.calibration_reference,
                "manufacturing equipment-*: the certificate number.");
  loader.String("batch-id", &line.options.batch_id,
                "manufacturing: the batch (bat_... or its number, the DIN of "
                "its\ndonor lot).");
  loader.String("process", &line.options.process_version,
                "manufacturing batch-start/process-show: the process "
                "version.");
  loader.String("step-id", &line.options.step_id, "manufacturing: the step.");
  loader.String("source-step-id", &line.options.source_step_id,
                "manufacturing passage-seed/cryopreserve/product-harvest:\n"
                "the step whose cells are used.");
  loader.Int64("revision", &line.options.revision, 0, INT64_MAX,
               "manufacturing verify/correct: the step's revision.");
  loader.String("tissue-grams", &line.options.tissue_grams,
                "manufacturing processing: tissue processed, g.");
  loader.String("vessel-type", &line.options.vessel_type,
                "manufacturing processing/passage-seed: \"T175 flask\".");
  loader.Int64("vessel-count", &line.options.vessel_count, 0, 10000,
               "manufacturing processing/passage-seed: culture vessels.");
  loader.String("seeded-at", &line.options.seeded_at,
                "manufacturing processing/passage-seed: when (processing: "
                "its start).");
  loader.String("seeded-cells", &line.options.seeded_cells,
                "manufacturing: viable cells seeded (1e6).");
  loader.String("harvested-at", &line.options.harvested_at,
                "manufacturing harvest/product-harvest: when.");
  loader.String("harvested-cells", &line.options.harvested_cells,
                "manufacturing harvest/product-harvest: viable cells (8e6).");
  loader.String("recovered-cells", &line.options.recovered_cells,
                "manufacturing thaw: viable cells recovered.");
  loader.String("viability", &line.options.viability,
                "manufacturing: viability, %.");
  loader.String("confluence", &line.options.confluence,
                "manufacturing harvest: confluence, %.");
  loader.String("bank", &line.options.bank,
                "manufacturing cryopreserve: master, working, final_product.");
  loader.String("cells-per-vial", &line.options.cells_per_vial,
                "manufacturing cryopreserve: viable cells per vial.");
  loader.String("frozen-at", &line.options.frozen_at,
                "manufacturing cryopreserve.");
  loader.String("thawed-at", &line.options.thawed_at, "manufacturing thaw.");
  loader.String("volume-ml", &line.options.volume_ml,
                "manufacturing product-harvest: volume, ml.");
  loader.List("material", &line.options.materials,
              "manufacturing steps: MAT[:QUANTITY] a step used (mat_... or\n"
              "MAT- code);\n"
              "repeatable (--material=A --material=B:500 ml).");
  loader.List("equipment", &line.options.equipment,
              "manufacturing steps: EQP a step used (eqp_... or asset tag);\n"
              "repeatable.");
  loader.List("positions", &line.options.positions,
              "manufacturing cryopreserve: LOC,... one freezer position per\n"
              "vial (loc_... or its path, FRZ-01/R2/B3/A1).");
  loader.String("leftover", &line.options.leftover,
                "manufacturing passage-seed/correct: what became of the cells "
                "the\nseeding left in its source: discarded, banked or "
                "carried.");
  loader.String("late-entry-reason", &line.options.late_entry_reason,
                "manufacturing steps, batch-start, material-receive/release: "
                "why it is\nentered later than the server allows after its "
                "time (kept with the record).");
  loader.String("started-at", &line.options.started_at,
                "manufacturing batch-start: when the batch was started "
                "(default: now).");
  loader.String("released-at", &line.options.released_at,
                "manufacturing material-release: when QA released the lot "
                "(default: now).");
  loader.String("classification", &line.options.classification,
                "manufacturing deviation-*: minor, major, critical.");
  loader.String("impact", &line.options.impact,
                "manufacturing deviation-record.");
  loader.Enum("format", &line.options.format, {"table", "csv"},
              "manufacturing growth-curve: table or csv.");
}

absl::Status Usage(std::string message) {
  return absl::InvalidArgumentError(std::move(message));
}

std::string Dashed(const std::vector<std::string>& flags) {
  std::vector<std::string> dashed;
  for (const std::string& f : flags) dashed.push_back("--" + f);
  return absl::StrJoin(dashed, ", ");
}

}  // namespace

std::vector<std::string> TypedFlags(int argc, const char* const* argv) {
  std::vector<std::string> flags;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    // A value of "--name value" never starts with "--" (config.h), so
    // every argument that does is a flag.
    if (!arg.starts_with("--")) continue;
    std::string name(arg.substr(2, arg.find('=') - 2));
    if (name == "help") continue;
    if (name.starts_with("no-") && !IsKnownFlag(name) &&
        IsKnownFlag(name.substr(3))) {
      name = name.substr(3);
    }
    flags.push_back(name);
  }
  return flags;
}

absl::StatusOr<CommandLine> ParseCommandLine(int argc, const char* const* argv,
                                             const config::EnvLookup& env) {
  CommandLine line;
  config::Loader loader("cellchain", "CELLCHAIN");
  loader.set_summary(Summary());
  Declare(loader, line);
  absl::Status loaded = loader.Load(argc, argv, env);
  line.words = loader.positional();
  line.command = FindCommand(line.words);
  std::string name = CommandName(line.words);
  // The command a refusal names: the one typed, or, when a stray value
  // follows it ("--colour red"), the command its first words name.
  const CommandSpec* named = line.command;
  size_t named_words = line.words.size();
  for (size_t n = std::min<size_t>(line.words.size(), 2);
       named == nullptr && n > 0; --n) {
    std::vector<std::string> first(line.words.begin(), line.words.begin() + n);
    named = FindCommand(first);
    if (named != nullptr) {
      name = CommandName(first);
      named_words = n;
    }
  }
  if (config::IsHelpRequested(loaded)) {
    if (line.command != nullptr) {
      line.help = CommandHelp(*line.command);
    } else if (line.words.size() == 1 && !GroupHelp(name).empty()) {
      line.help = GroupHelp(name);
    } else {
      line.help = loader.Usage();
    }
    return line;
  }
  // Where the message starts: "cellchain: manufacturing batch-show: ".
  std::string head = line.words.empty()
                         ? "cellchain: "
                         : absl::StrCat("cellchain: ", name, ": ");
  std::string see = named != nullptr
                        ? absl::StrCat("; see cellchain ", name, " --help")
                        : "; see cellchain --help";
  std::vector<std::string> typed = TypedFlags(argc, argv);
  std::vector<std::string> unknown;
  for (const std::string& flag : typed) {
    if (!IsKnownFlag(flag)) unknown.push_back(flag);
  }
  if (!unknown.empty()) {
    return Usage(absl::StrCat(head, "unknown flag",
                              unknown.size() > 1 ? "s " : " ", Dashed(unknown),
                              see));
  }
  if (!loaded.ok()) {
    // One problem a line, each under the command it was typed for.
    std::vector<std::string> problems =
        absl::StrSplit(std::string(loaded.message()), '\n', absl::SkipEmpty());
    for (std::string& problem : problems) problem = head + problem;
    return Usage(absl::StrJoin(problems, "\n"));
  }
  if (line.command == nullptr && named != nullptr) {
    return Usage(absl::StrCat(head, "unexpected argument \"",
                              line.words[named_words],
                              "\" (every value is a flag's: "
                              "--name=value)",
                              see));
  }
  if (line.command == nullptr) {
    if (line.words.size() == 1 && !GroupHelp(name).empty()) {
      return Usage(absl::StrCat(head, "which command?\n", GroupHelp(name)));
    }
    return Usage(absl::StrCat("cellchain: unknown command \"", name,
                              "\"; see cellchain --help"));
  }
  std::vector<std::string> takes = FlagsOf(*line.command);
  const std::vector<std::string>& common = CommonFlags();
  for (const std::string& flag : typed) {
    bool applies =
        std::find(takes.begin(), takes.end(), flag) != takes.end() ||
        std::find(common.begin(), common.end(), flag) != common.end();
    if (!applies) {
      return Usage(absl::StrCat(head, "--", flag,
                                " does not apply to this command (",
                                takes.empty() ? "it takes no flags of its own"
                                              : "it takes " + Dashed(takes),
                                ")", see));
    }
  }
  std::vector<std::string> missing;
  for (const std::string& flag : RequiredFlagsOf(*line.command)) {
    bool given = std::find(typed.begin(), typed.end(), flag) != typed.end();
    std::optional<std::string> from_env = env(loader.EnvVarFor(flag));
    if (!given && !(from_env.has_value() && !from_env->empty())) {
      missing.push_back(flag);
    }
  }
  if (!missing.empty()) {
    return Usage(absl::StrCat(head, Dashed(missing),
                              missing.size() > 1 ? " are" : " is", " required",
                              see));
  }
  return line;
}

}  // namespace cellchain::cli
