// cellchain-qa, quality assurance's client, through the real binary against
// a real cellchaind over mTLS: its --help offers QA's commands and not the
// lab's, the pharmacy's or the clinic's; a command it does not offer is an
// unknown command under its own name (exit 2); a refusal, the server's or
// its own, is one line "cellchain-qa: <command>: ..." with a non-zero exit.
//
// And what tools read from it: a specification QA writes and approves
// through it is named by audit query --format=json (each record's id,
// action, actor and the approval's e-signature, parsed as JSON) and
// --format=csv (a header line, then a line per record), with nothing else
// on stdout; audit history and qc spec-list for tools too; audit verify
// draws its progress bar on a terminal and nothing when stderr is not one. A
// forward trace from a donor lot, for tools, is a row per item naming the item
// above it.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/cli_chain.h"
#include "tests/e2e/daemon.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// What a command wrote to stdout and to stderr, apart: a tool reads stdout.
struct Streams {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class QaClientE2eTest : public CliChainTest {
 protected:
  QaClientE2eTest() : CliChainTest("qa-client-e2e") {}

  // quinn (QA) at qa-ws-01 and otto (a QC analyst), each logged in with
  // `cellchain login`: the session file is the clients' common one.
  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(quinn_, AddUser(kQuinn));
    CC_ASSERT_OK_AND_ASSIGN(otto_, AddUser(kOtto));
  }

  // `cellchain-qa <args>` as `who`, at their workstation.
  static std::vector<std::string> QaArgv(const CliSession& who,
                                         const std::vector<std::string>& args) {
    std::vector<std::string> argv = who.Argv(args);
    argv[0] = BinDir() + "/cellchain-qa";
    return argv;
  }
  RunResult Qa(const CliSession& who, const std::vector<std::string>& args,
               const std::string& input = "") {
    return RunCommand(QaArgv(who, args), input);
  }
  // The same for a command that must succeed; its output.
  std::string QaOk(const CliSession& who, const std::vector<std::string>& args,
                   const std::string& input = "") {
    RunResult run = Qa(who, args, input);
    EXPECT_EQ(run.exit_code, 0)
        << "cellchain-qa " << ::testing::PrintToString(args) << ":\n"
        << run.output;
    return run.output;
  }
  // A signed command that must succeed, `password` on stdin.
  std::string QaSignedOk(const CliSession& who, const char* password,
                         std::vector<std::string> args) {
    args.push_back("--password-stdin");
    return QaOk(who, args, std::string(password) + "\n");
  }
  // stdout and stderr apart, as a script that pipes stdout to a tool
  // sees them (stderr not a terminal either).
  Streams QaStreams(const CliSession& who,
                    const std::vector<std::string>& args) {
    TempDir dir("qa-client-stderr");
    std::string err_path = dir.path() + "/stderr";
    std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$@\" 2>\"$ERR\"",
                                     "sh"};
    for (std::string& arg : QaArgv(who, args)) argv.push_back(std::move(arg));
    RunResult run = RunCommand(argv, "", {"ERR=" + err_path});
    std::stringstream err;
    err << std::ifstream(err_path).rdbuf();
    return {run.exit_code, run.output, err.str()};
  }

  // A specification of one test, written and approved by quinn through
  // cellchain-qa: its id (spc_...).
  std::string ApprovedSpecification(const std::string& name) {
    TempDir files("qa-client-files");
    const std::string tests_file = files.path() + "/tests.json";
    std::ofstream(tests_file) << kOneTestSpecification;
    std::string created =
        QaOk(*quinn_, {"qc", "spec-create", "--spec-name=" + name,
                       "--product=UC-MSC, \"RegenHeart\"",
                       "--tests-file=" + tests_file});
    std::string spec = Capture(created, "specification (spc_[A-Za-z0-9_-]+)");
    EXPECT_FALSE(spec.empty()) << created;
    EXPECT_THAT(QaSignedOk(*quinn_, kQuinnPassword,
                           {"qc", "spec-approve", "--spec-id=" + spec}),
                HasSubstr("is EFFECTIVE: approved by quinn"));
    return spec;
  }
};

TEST_F(QaClientE2eTest, OffersQasCommandsUnderItsName) {
  RunResult help = Qa(*quinn_, {"--help"});
  EXPECT_EQ(help.exit_code, 0) << help.output;
  EXPECT_THAT(help.output, StartsWith("Usage: cellchain-qa"));
  for (const char* command : {"login",
                              "logout",
                              "whoami",
                              "passwd",
                              "audit checkpoint",
                              "audit query",
                              "audit history",
                              "audit proof",
                              "audit verify",
                              "audit export",
                              "custody show",
                              "custody hold",
                              "custody release-hold",
                              "custody recall",
                              "custody trace",
                              "donor determine",
                              "donor assess",
                              "donor release-lot",
                              "donor discard-lot",
                              "donor lot",
                              "donor lots",
                              "manufacturing material-release",
                              "manufacturing material-reject",
                              "manufacturing deviation-assess",
                              "manufacturing equipment-register",
                              "manufacturing batch-show",
                              "custody location-add",
                              "qc spec-create",
                              "qc spec-approve",
                              "qc spec-show",
                              "qc spec-list",
                              "qc lot-show",
                              "qc lot-list",
                              "qc dispose",
                              "qc certificate",
                              "clinical infusions",
                              "clinical record"}) {
    EXPECT_THAT(help.output, ContainsRegex(std::string("\n  ") + command + " "))
        << command;
  }
  // The lab's, the pharmacy's and the clinic's work is not QA's.
  for (const char* other :
       {"batch-start", "passage-seed", "material-receive", "donor register",
        "donor receive", "custody register", "custody handoff", "result-enter",
        "dose release", "clinical infuse", "user create"}) {
    EXPECT_THAT(help.output, Not(HasSubstr(other))) << other;
  }
  // What QA does with them closes the list.
  EXPECT_THAT(help.output, HasSubstr("Who got this lot: custody trace "
                                     "--direction=forward"));
  EXPECT_THAT(help.output, HasSubstr("--format=json or csv"));

  RunResult group = Qa(*quinn_, {"mfg", "--help"});
  EXPECT_EQ(group.exit_code, 0) << group.output;
  EXPECT_THAT(group.output,
              HasSubstr("Usage: cellchain-qa manufacturing COMMAND"));
  EXPECT_THAT(group.output, HasSubstr("  material-release  "));
  EXPECT_THAT(group.output, Not(HasSubstr("batch-start")));
  RunResult command = Qa(*quinn_, {"audit", "query", "--help"});
  EXPECT_EQ(command.exit_code, 0) << command.output;
  EXPECT_THAT(command.output, StartsWith("Usage: cellchain-qa audit query "));
  EXPECT_THAT(command.output, HasSubstr("--format=table|json|csv"));

  // A technician's command, and the pharmacy's, are not there at all.
  RunResult batch = Qa(*quinn_, {"manufacturing", "batch-start"});
  EXPECT_EQ(batch.exit_code, 2) << batch.output;
  EXPECT_EQ(batch.output,
            "cellchain-qa: unknown command \"manufacturing batch-start\"; see "
            "cellchain-qa --help\n");
  RunResult release = Qa(*quinn_, {"dose", "release"});
  EXPECT_EQ(release.exit_code, 2) << release.output;
  EXPECT_EQ(release.output,
            "cellchain-qa: unknown command \"dose release\"; see "
            "cellchain-qa --help\n");

  // cellchain's login serves it: quinn is who it acts as.
  EXPECT_THAT(QaOk(*quinn_, {"whoami"}), HasSubstr("quinn"));
}

TEST_F(QaClientE2eTest, ARefusalIsOneLineUnderItsName) {
  // The server's: a QC analyst may not dispose of a lot, whatever lot.
  RunResult dispose =
      Qa(*otto_,
         {"qc", "dispose", "--lot-id=qcl_00000000000000000000000000",
          "--disposition=rejected", "--reason=out of specification",
          "--password-stdin"},
         std::string(kOttoPassword) + "\n");
  EXPECT_EQ(dispose.exit_code, 1) << dispose.output;
  EXPECT_THAT(dispose.output,
              StartsWith("cellchain-qa: qc dispose: PERMISSION_DENIED: "));
  EXPECT_THAT(dispose.output, HasSubstr("(reason: ROLE_NOT_ALLOWED)"));
  EXPECT_EQ(Lines(dispose.output).size(), 1u) << dispose.output;

  // Its own, before anything is sent.
  RunResult format = Qa(*quinn_, {"audit", "query", "--format=xml"});
  EXPECT_EQ(format.exit_code, 2) << format.output;
  EXPECT_EQ(format.output,
            "cellchain-qa: audit query: --format (CELLCHAIN_FORMAT): \"xml\" "
            "is not one of table, json, csv\n");
  RunResult verify = Qa(*quinn_, {"audit", "verify", "--format=json"});
  EXPECT_EQ(verify.exit_code, 2) << verify.output;
  EXPECT_THAT(verify.output,
              StartsWith("cellchain-qa: audit verify: --format does not "
                         "apply to this command"));
  EXPECT_EQ(Lines(verify.output).size(), 1u) << verify.output;
  RunResult history = Qa(*quinn_, {"audit", "history", "--entity-id=x"});
  EXPECT_EQ(history.exit_code, 2) << history.output;
  EXPECT_EQ(history.output,
            "cellchain-qa: audit history: --entity-type is required; see "
            "cellchain-qa audit history --help\n");
}

TEST_F(QaClientE2eTest, AuditRecordsForToolsAsJsonAndCsv) {
  const std::string spec = ApprovedSpecification("QA-CLIENT-RELEASE");
  ASSERT_FALSE(spec.empty());
  const std::vector<std::string> query = {"audit", "query",
                                          "--entity-type=qc_specification",
                                          "--entity-id=" + spec};

  // JSON: stdout is the document alone, and it names both records.
  std::vector<std::string> json_query = query;
  json_query.push_back("--format=json");
  Streams json = QaStreams(*quinn_, json_query);
  ASSERT_EQ(json.exit_code, 0) << json.out << json.err;
  EXPECT_EQ(json.err, "");
  nlohmann::json records = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_TRUE(records.is_array()) << json.out;
  ASSERT_EQ(records.size(), 2u) << json.out;
  EXPECT_EQ(records[0]["action"], "specification.create");
  EXPECT_EQ(records[1]["action"], "specification.approve");
  for (const nlohmann::json& record : records) {
    EXPECT_THAT(record["record_id"].get<std::string>(), StartsWith("rec_"));
    EXPECT_EQ(record["entity_type"], "qc_specification");
    EXPECT_EQ(record["entity_id"], spec);
    EXPECT_EQ(record["actor"], "quinn");
    EXPECT_EQ(record["actor_name"], "Quinn Quality");
    EXPECT_EQ(record["role"], "qa");
    EXPECT_EQ(record["service"], "qc");
    EXPECT_TRUE(record["log_index"].is_number() ||
                record["log_index"].is_null())
        << record;
  }
  // The approval's e-signature manifestation, field by field.
  EXPECT_EQ(records[0]["signature_meaning"], "");
  EXPECT_EQ(records[1]["signature_meaning"], "APPROVED");
  EXPECT_EQ(records[1]["signed_by"], "quinn");
  EXPECT_EQ(records[1]["signed_by_name"], "Quinn Quality");
  EXPECT_THAT(records[1]["signed_at"].get<std::string>(),
              ContainsRegex("^20[0-9]{2}-[0-9]{2}-[0-9]{2}T.*Z$"));

  // CSV: the header, then a line per record, in the same order.
  std::vector<std::string> csv_query = query;
  csv_query.push_back("--format=csv");
  Streams csv = QaStreams(*quinn_, csv_query);
  ASSERT_EQ(csv.exit_code, 0) << csv.out << csv.err;
  EXPECT_EQ(csv.err, "");
  std::vector<std::string> lines = Lines(csv.out);
  ASSERT_EQ(lines.size(), 3u) << csv.out;
  EXPECT_EQ(lines[0],
            "record_id,recorded_at,log_index,service,action,entity_type,"
            "entity_id,actor,actor_name,role,workstation,signature_meaning,"
            "signed_by,signed_by_name,signed_at,reason,request_id");
  EXPECT_THAT(lines[1],
              StartsWith(records[0]["record_id"].get<std::string>() + ","));
  EXPECT_THAT(lines[1], HasSubstr(",qc,specification.create,qc_specification," +
                                  spec + ",quinn,Quinn Quality,qa,"));
  EXPECT_THAT(lines[2],
              StartsWith(records[1]["record_id"].get<std::string>() + ","));
  EXPECT_THAT(lines[2], HasSubstr(",APPROVED,quinn,Quinn Quality,"));

  // For people, the same records as before: aligned, counted.
  std::string table = QaOk(*quinn_, query);
  EXPECT_THAT(table,
              ContainsRegex("specification.approve +qc_specification/" + spec +
                            " +Quinn Quality \\(qa\\); signed "
                            "APPROVED by Quinn Quality at "));
  EXPECT_THAT(table, HasSubstr("\n2 record(s)\n"));

  // An entity's history for tools: its records, the chain intact (exit 0)
  // and nothing said about it.
  Streams history =
      QaStreams(*quinn_, {"audit", "history", "--entity-type=qc_specification",
                          "--entity-id=" + spec, "--format=json"});
  EXPECT_EQ(history.exit_code, 0) << history.out << history.err;
  EXPECT_EQ(history.err, "");
  nlohmann::json history_records =
      nlohmann::json::parse(history.out, nullptr, false);
  ASSERT_TRUE(history_records.is_array()) << history.out;
  ASSERT_EQ(history_records.size(), 2u) << history.out;
  EXPECT_EQ(history_records[1]["record_id"], records[1]["record_id"]);

  // The specification as a tool lists it: its version and tests numbers,
  // the product's comma and quotes inside one quoted field.
  Streams specs = QaStreams(*quinn_, {"qc", "spec-list", "--format=csv"});
  EXPECT_EQ(specs.exit_code, 0) << specs.out << specs.err;
  EXPECT_THAT(specs.out, StartsWith("specification,name,version,status,tests,"
                                    "approved_at,product\n"));
  EXPECT_THAT(specs.out,
              ContainsRegex(spec + ",QA-CLIENT-RELEASE,1,EFFECTIVE,1,"
                                   "[0-9TZ:-]+,\"UC-MSC, \"\"RegenHeart\"\"\""
                                   "\n"));
  Streams specs_json = QaStreams(*quinn_, {"qc", "spec-list", "--format=json"});
  nlohmann::json spec_rows =
      nlohmann::json::parse(specs_json.out, nullptr, false);
  ASSERT_TRUE(spec_rows.is_array()) << specs_json.out;
  auto row = std::find_if(
      spec_rows.begin(), spec_rows.end(),
      [&](const nlohmann::json& r) { return r["specification"] == spec; });
  ASSERT_NE(row, spec_rows.end()) << specs_json.out;
  EXPECT_EQ((*row)["version"], 1);
  EXPECT_EQ((*row)["tests"], 1);
  EXPECT_EQ((*row)["product"], "UC-MSC, \"RegenHeart\"");

  // The log verified with stderr not a terminal: no progress bar, no CR.
  Streams verified = QaStreams(*quinn_, {"audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_THAT(verified.out, ContainsRegex("^verified [0-9]+ records, "));
  EXPECT_EQ(verified.err, "");
  EXPECT_EQ(verified.out.find('\r'), std::string::npos) << verified.out;

  // On a terminal (script(1)'s, stdout and stderr both), each phase's bar
  // is drawn and rewritten in place, and blanked before the summary.
  std::string command;
  for (const std::string& arg : QaArgv(*quinn_, {"audit", "verify"})) {
    command += "'" + arg + "' ";
  }
  RunResult tty = RunCommand({"/usr/bin/script", "-qec", command, "/dev/null"});
  EXPECT_EQ(tty.exit_code, 0) << tty.output;
  EXPECT_THAT(tty.output, ContainsRegex("\r[a-z]+ +\\[#+\\]  [0-9]+/[0-9]+  "
                                        "100%"));
  EXPECT_THAT(tty.output, ContainsRegex("\r +\rverified [0-9]+ records, "));
}

TEST_F(QaClientE2eTest, AForwardTraceForToolsNamesTheItemAboveEachItem) {
  AddChainCast();
  if (HasFatalFailure()) return;
  Harvest harvest = VerifiedHarvest();
  ASSERT_FALSE(harvest.batch_id.empty());
  const std::string din = harvest.donor.din;

  Streams trace = QaStreams(*quinn_, {"custody", "trace", "--direction=forward",
                                      "--item-id=" + din, "--format=json"});
  ASSERT_EQ(trace.exit_code, 0) << trace.out << trace.err;
  EXPECT_EQ(trace.err, "");
  nlohmann::json rows = nlohmann::json::parse(trace.out, nullptr, false);
  ASSERT_TRUE(rows.is_array()) << trace.out;
  ASSERT_GE(rows.size(), 2u) << trace.out;
  // The donor lot first, named by its DIN as printed.
  const nlohmann::json& root = rows[0];
  EXPECT_EQ(root["depth"], 0);
  EXPECT_EQ(root["parent_item_id"], "");
  EXPECT_EQ(root["link"], "");
  EXPECT_THAT(root["name"].get<std::string>(), StartsWith(din));
  EXPECT_EQ(root["type"], "donor_lot");
  const std::string root_id = root["item_id"].get<std::string>();
  EXPECT_THAT(root_id, StartsWith("itm_"));
  // Every other row hangs under an item listed before it, through the
  // signed record that linked them.
  std::vector<std::string> seen = {root_id};
  int under_root = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    const nlohmann::json& row = rows[i];
    ASSERT_TRUE(row["depth"].is_number()) << row;
    EXPECT_GE(row["depth"].get<int>(), 1) << row;
    std::string parent = row["parent_item_id"].get<std::string>();
    EXPECT_NE(std::find(seen.begin(), seen.end(), parent), seen.end()) << row;
    EXPECT_THAT(row["record_id"].get<std::string>(), StartsWith("rec_")) << row;
    EXPECT_FALSE(row["link"].get<std::string>().empty()) << row;
    under_root += parent == root_id;
    seen.push_back(row["item_id"].get<std::string>());
  }
  EXPECT_GE(under_root, 1) << trace.out;

  // The same tree for a spreadsheet: a row per item after the header.
  Streams csv = QaStreams(*quinn_, {"custody", "trace", "--direction=forward",
                                    "--item-id=" + din, "--format=csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.out << csv.err;
  std::vector<std::string> lines = Lines(csv.out);
  ASSERT_EQ(lines.size(), rows.size() + 1) << csv.out;
  EXPECT_EQ(lines[0],
            "depth,parent_item_id,link,record_id,item_id,name,type,state,"
            "patient_id");
  EXPECT_THAT(lines[1], StartsWith("0,,,," + root_id + ","));

  // The donor lot among the lots, for tools: its DIN both ways, released
  // by quinn, no deviations.
  Streams lots =
      QaStreams(*quinn_, {"donor", "lots", "--din=" + din, "--format=json"});
  ASSERT_EQ(lots.exit_code, 0) << lots.out << lots.err;
  nlohmann::json lot_rows = nlohmann::json::parse(lots.out, nullptr, false);
  ASSERT_TRUE(lot_rows.is_array()) << lots.out;
  ASSERT_EQ(lot_rows.size(), 1u) << lots.out;
  EXPECT_EQ(lot_rows[0]["lot"], harvest.donor.lot_id);
  EXPECT_EQ(lot_rows[0]["din_eye_readable"], din);
  EXPECT_EQ(lot_rows[0]["released_by"], "quinn");
  EXPECT_EQ(lot_rows[0]["deviations"], 0);
  EXPECT_EQ(lot_rows[0]["open_deviations"], 0);
}

}  // namespace
}  // namespace cellchain::e2e
