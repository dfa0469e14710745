#include "clients/label/station.h"

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "cellchain/identity/v1/identity.grpc.pb.h"
#include "cellchain/labels/v1/labels.grpc.pb.h"
#include "clients/cli/session.h"
#include "clients/common/connection_flags.h"
#include "clients/label/scan_input.h"
#include "clients/label/station_printing.h"
#include "clients/label/station_text.h"
#include "services/common/config/config.h"
#include "services/common/crypto/random.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/status/status.h"
#include "services/common/strings/printable.h"

namespace cellchain::label {
namespace {

namespace lv1 = cellchain::labels::v1;
namespace cv1 = cellchain::custody::v1;
namespace iv1 = cellchain::identity::v1;

constexpr char kUsage[] =
    "usage: cellchain-label station <command> [flags]\n"
    "\n"
    "The technician's label station, working with cellchaind's labels\n"
    "service. ITEM is an item id (itm_...), a DIN as typed or scanned, or a\n"
    "scanned label; without --item the station asks for it on stdin.\n"
    "\n"
    "  login --user-id ID [--password-stdin]\n"
    "      Logs in (password without echo) and saves the session, shared\n"
    "      with the cellchain CLI.\n"
    "  logout\n"
    "      Ends the session and removes its file.\n"
    "  print [--item ITEM] --printer HOST[:PORT] --dpi 203|300 [--copies N]\n"
    "        [--png FILE]\n"
    "      Prints an item's first label: checks the printer is ready, has\n"
    "      the service record the job, renders the label and sends it; with\n"
    "      --png also saves the very label sent as a PNG.\n"
    "  reprint [--item ITEM] [--job-id JOB] --reason WHY --printer "
    "HOST[:PORT]\n"
    "          --dpi 203|300 [--copies N] [--png FILE] [--password-stdin]\n"
    "      Prints it again (REPRINT), signed with your password; JOB defaults\n"
    "      to the item's newest job.\n"
    "  void --job-id JOB --reason WHY\n"
    "      Voids a printed label (destroyed, damaged, wrong stock).\n"
    "  verify [--item ITEM]\n"
    "      Reads scans of the applied label from stdin, one per line, until\n"
    "      an empty line or the end; prints PASS or FAIL for each.\n"
    "  reconcile (--item ITEM | --din DIN)\n"
    "      The labels of an item or a donation: printed, reprinted, verified,\n"
    "      voided, failed scans, and every discrepancy.\n"
    "\n"
    "Exit status: 0 done (verify: every scan passed), 1 refused or a scan\n"
    "failed (the reason on stderr or in the verdict), 2 usage.\n";

// The connection (shared with the cellchain CLI) and the station's own
// flags.
struct StationOptions : client::ConnectionOptions {
  bool password_stdin = false;
  std::string user_id;
  std::string item;
  std::string printer;
  int64_t dpi = 0;
  int64_t copies = 1;
  std::chrono::milliseconds timeout{5000};
  std::string job_id;
  std::string reason;
  std::string din;
  std::string png;
};

// Only these options have a variable: a reason, a job or an item left in
// the environment must never apply to the next label by itself.
constexpr std::string_view kFromEnvironment[] = {
    "CELLCHAIN_TARGET",  "CELLCHAIN_CA",       "CELLCHAIN_CERT",
    "CELLCHAIN_KEY",     "CELLCHAIN_DEADLINE", "CELLCHAIN_SESSION_FILE",
    "CELLCHAIN_PRINTER", "CELLCHAIN_DPI",      "CELLCHAIN_TIMEOUT"};

class Station;
using Run = int (Station::*)();

struct Verb {
  std::string_view name;
  std::vector<std::string_view> flags;
  Run run;
};

class Station {
 public:
  Station(std::string verb, StationOptions options,
          std::shared_ptr<grpc::Channel> channel)
      : verb_(std::move(verb)),
        o_(std::move(options)),
        channel_(std::move(channel)) {}

  void LoadSession() {
    if (std::optional<std::string> token =
            config::GetEnv("CELLCHAIN_SESSION_TOKEN");
        token.has_value() && !token->empty()) {
      token_ = *token;
      return;
    }
    if (o_.session_file.empty()) return;
    absl::StatusOr<std::string> saved = cli::ReadSessionFile(o_.session_file);
    if (saved.ok()) {
      token_ = *saved;
      token_from_file_ = true;
    } else if (!absl::IsNotFound(saved.status())) {
      std::cerr << "cellchain-label: warning: " << saved.status().message()
                << "; sending no session\n";
    }
  }

  int Login();
  int Logout();
  int Print();
  int Reprint();
  int Void();
  int Verify();
  int Reconcile();

 private:
  int Fail(std::string_view message, int code) {
    std::cerr << "cellchain-label station " << verb_ << ": " << message << "\n";
    return code;
  }
  int Refused(const absl::Status& status) {
    return Fail(StatusLine(status), 1);
  }
  int Refused(const grpc::Status& status) {
    return Refused(grpcx::FromGrpcStatus(status));
  }

  std::unique_ptr<grpc::ClientContext> Context(
      const std::string& request_id = "") {
    std::unique_ptr<grpc::ClientContext> context =
        grpcx::NewContext(o_.deadline, request_id);
    if (!token_.empty()) {
      context->AddMetadata("authorization", "Bearer " + token_);
    }
    return context;
  }

  cellchain::common::v1::RequestContext NewRequestContext() {
    cellchain::common::v1::RequestContext context;
    context.set_request_id(crypto::RandomId("lbl"));
    context.set_reason(o_.reason);
    return context;
  }

  // One line of stdin without its line ending; nullopt at its end. At a
  // terminal `prompt` is written to stderr first.
  static std::optional<std::string> ReadLine(std::string_view prompt) {
    if (isatty(STDIN_FILENO)) std::cerr << prompt << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    return CleanScanLine(line);
  }

  // The item id --item (or a line of stdin) names: as typed, or the item
  // custody finds for a DIN or scanned label, which is then shown so the
  // technician sees what the label will be for.
  absl::StatusOr<std::string> ResolveItem() {
    std::string text = o_.item;
    if (text.empty()) {
      std::optional<std::string> line = ReadLine("Scan or type the item: ");
      if (!line.has_value()) {
        return InvalidField("item", "no item: give --item or type it");
      }
      text = *line;
    }
    absl::StatusOr<ItemInput> input = ParseItemInput(text);
    if (!input.ok()) return input.status();
    if (input->kind == ItemInput::Kind::kItemId) return input->value;
    auto stub = cv1::CustodyService::NewStub(channel_);
    cv1::FindItemByScanRequest request;
    request.set_scan(input->value);
    cv1::FindItemByScanResponse response;
    auto context = Context();
    grpc::Status status =
        stub->FindItemByScan(context.get(), request, &response);
    if (!status.ok()) return grpcx::FromGrpcStatus(status);
    const cv1::Item& item = response.item();
    std::string type = cv1::ItemType_Name(item.type());
    if (type.starts_with("ITEM_TYPE_")) type.erase(0, 10);
    std::cout << "item " << Printable(item.item_id()) << " ("
              << absl::AsciiStrToLower(type);
    if (!item.description().empty()) {
      std::cout << ", " << Printable(item.description());
    }
    std::cout << ")\n";
    return item.item_id();
  }

  absl::StatusOr<StationPrinter> Printer() {
    if (!o_.png.empty()) {
      if (absl::Status png = CheckPngPath(o_.png); !png.ok()) return png;
    }
    if (o_.printer.empty()) {
      return InvalidField("printer", "--printer HOST[:PORT] is required");
    }
    if (o_.dpi == 0) {
      return InvalidField("dpi",
                          "--dpi 203|300 (the printer's head) is "
                          "required");
    }
    return MakeStationPrinter(o_.printer, static_cast<int>(o_.dpi),
                              absl::FromChrono(o_.timeout));
  }

  // Sends a job's label to the printer, and with --png saves the PNG of the
  // same layout; on failure says what became of the job, since the service
  // has recorded it either way.
  int SendJob(const StationPrinter& printer, const lv1::PrintJob& job) {
    const std::string job_id = Printable(job.job_id());
    const std::string item_id = Printable(job.item_id());
    absl::StatusOr<RenderedLabel> rendered =
        RenderForPrinter(printer, job.label(), job.copies(), !o_.png.empty());
    if (!rendered.ok()) {
      return Fail(absl::StrCat("job ", job_id, " is recorded, but its label ",
                               rendered.status().code() ==
                                       absl::StatusCode::kInvalidArgument
                                   ? "fails the station's checks"
                                   : "could not be rendered",
                               " and was NOT sent to the printer: ",
                               StatusLine(rendered.status()),
                               "\nvoid it (cellchain-label station void "
                               "--job-id ",
                               job_id, " --reason ...) and report it"),
                  1);
    }
    absl::Status sent = SendRendered(printer, *rendered);
    if (!sent.ok()) {
      return Fail(
          absl::StrCat("job ", job_id, " is recorded, but printer ",
                       printer.name, " did NOT print it: ", StatusLine(sent),
                       "\nwhen the printer is ready, print it again: "
                       "cellchain-label station reprint --item ",
                       item_id, " --job-id ", job_id,
                       " --reason \"printer failed\" --printer ", printer.name,
                       " --dpi ", printer.dpi),
          1);
    }
    std::cout << (job.kind() == lv1::PRINT_KIND_REPRINT ? "reprinted"
                                                        : "printed")
              << " job " << job_id << ": the "
              << LabelTypeWords(job.label().type()) << " label of " << item_id
              << ", " << job.copies()
              << (job.copies() == 1 ? " copy" : " copies") << " on "
              << Printable(printer.name) << " (" << printer.dpi << " dpi)\n";
    if (!o_.png.empty()) {
      absl::Status saved = SaveLabelPng(o_.png, rendered->png);
      if (!saved.ok()) {
        return Fail(absl::StrCat("job ", job_id,
                                 " is printed, but its PNG was NOT saved: ",
                                 StatusLine(saved)),
                    1);
      }
      std::cout << "its PNG (one pixel per printer dot) saved in "
                << Printable(o_.png) << "\n";
    }
    std::cout << "apply it, then scan it: cellchain-label station verify "
                 "--item "
              << item_id << "\n";
    return 0;
  }

  // The printer is asked first, so that no job is recorded for a label a
  // paused or empty printer would not print.
  int CheckPrinter(const StationPrinter& printer) {
    absl::Status ready = CheckPrinterReady(printer);
    if (ready.ok()) return 0;
    return Fail(absl::StrCat("printer ", Printable(printer.name),
                             " cannot print now: ", StatusLine(ready),
                             "\nnothing was printed or recorded"),
                1);
  }

  std::string verb_;
  StationOptions o_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
  bool token_from_file_ = false;
};

int Station::Login() {
  if (o_.user_id.empty()) return Fail("--user-id is required", 2);
  if (o_.session_file.empty()) {
    return Fail("no home directory: give --session-file=F", 2);
  }
  absl::StatusOr<std::string> password =
      cli::ReadPassword({.env_var = "", .from_stdin = o_.password_stdin},
                        "password for " + o_.user_id, false);
  if (!password.ok()) return Fail(std::string(password.status().message()), 2);
  auto stub = iv1::AuthService::NewStub(channel_);
  iv1::LoginRequest request;
  request.set_user_id(o_.user_id);
  request.set_password(*password);
  iv1::LoginResponse response;
  auto context = grpcx::NewContext(o_.deadline);  // a login sends no session
  grpc::Status status = stub->Login(context.get(), request, &response);
  if (!status.ok()) return Refused(status);
  absl::Status saved =
      cli::WriteSessionFile(o_.session_file, response.session_token());
  if (!saved.ok()) {
    // A session nobody can use or end would stay open until it times out.
    auto logout = grpcx::NewContext(o_.deadline);
    logout->AddMetadata("authorization", "Bearer " + response.session_token());
    iv1::LogoutResponse ignored;
    stub->Logout(logout.get(), iv1::LogoutRequest(), &ignored);
    return Fail(absl::StrCat(saved.message(), "; logged out again"), 1);
  }
  std::cout << "logged in as " << Printable(response.user().user_id()) << " ("
            << Printable(response.user().printed_name())
            << "); session saved in " << o_.session_file << "\n";
  if (response.user().password_change_required()) {
    std::cout << "your password is temporary: set your own with `cellchain "
                 "passwd` before printing\n";
  }
  return 0;
}

int Station::Logout() {
  auto stub = iv1::AuthService::NewStub(channel_);
  iv1::LogoutResponse response;
  auto context = Context();
  grpc::Status status =
      stub->Logout(context.get(), iv1::LogoutRequest(), &response);
  // A session the server no longer knows is gone anyway.
  bool gone = status.ok() || status.error_code() == grpc::UNAUTHENTICATED;
  if (gone && token_from_file_) {
    absl::Status removed = cli::RemoveSessionFile(o_.session_file);
    if (!removed.ok()) return Fail(std::string(removed.message()), 1);
  }
  if (!status.ok()) return Refused(status);
  std::cout << "logged out\n";
  return 0;
}

int Station::Print() {
  absl::StatusOr<StationPrinter> printer = Printer();
  if (!printer.ok()) return Fail(StatusLine(printer.status()), 2);
  absl::StatusOr<std::string> item_id = ResolveItem();
  if (!item_id.ok()) return Refused(item_id.status());
  if (int refused = CheckPrinter(*printer); refused != 0) return refused;
  auto stub = lv1::LabelService::NewStub(channel_);
  lv1::PrintLabelRequest request;
  *request.mutable_context() = NewRequestContext();
  request.set_item_id(*item_id);
  request.set_printer(printer->name);
  request.set_copies(static_cast<int32_t>(o_.copies));
  lv1::PrintLabelResponse response;
  auto context = Context(request.context().request_id());
  grpc::Status status = stub->PrintLabel(context.get(), request, &response);
  if (!status.ok()) return Refused(status);
  return SendJob(*printer, response.job());
}

int Station::Reprint() {
  if (o_.reason.empty()) {
    return Fail(
        "--reason is required: the record says why the label is "
        "printed again",
        2);
  }
  absl::StatusOr<StationPrinter> printer = Printer();
  if (!printer.ok()) return Fail(StatusLine(printer.status()), 2);
  absl::StatusOr<std::string> item_id = ResolveItem();
  if (!item_id.ok()) return Refused(item_id.status());
  auto stub = lv1::LabelService::NewStub(channel_);
  std::string job_id = o_.job_id;
  if (job_id.empty()) {
    lv1::ReconcileLabelsRequest request;
    request.set_item_id(*item_id);
    lv1::ReconcileLabelsResponse response;
    auto context = Context();
    grpc::Status status =
        stub->ReconcileLabels(context.get(), request, &response);
    if (!status.ok()) return Refused(status);
    if (response.items().empty() || response.items(0).job_ids().empty()) {
      return Fail(absl::StrCat("item ", Printable(*item_id),
                               " has no label printed: print it first "
                               "(cellchain-label station print)"),
                  1);
    }
    job_id = response.items(0).job_ids(response.items(0).job_ids_size() - 1);
  }
  if (int refused = CheckPrinter(*printer); refused != 0) return refused;
  absl::StatusOr<std::string> password = cli::ReadPassword(
      {.env_var = "", .from_stdin = o_.password_stdin},
      "your password (signs the reprint as performed by you)", false);
  if (!password.ok()) return Fail(std::string(password.status().message()), 2);
  lv1::ReprintLabelRequest request;
  *request.mutable_context() = NewRequestContext();
  request.set_item_id(*item_id);
  request.set_reprint_of_job_id(job_id);
  request.set_printer(printer->name);
  request.set_copies(static_cast<int32_t>(o_.copies));
  request.mutable_signature()->set_password(*password);
  request.mutable_signature()->set_meaning(
      cellchain::common::v1::SIGNATURE_MEANING_PERFORMED);
  lv1::ReprintLabelResponse response;
  auto context = Context(request.context().request_id());
  grpc::Status status = stub->ReprintLabel(context.get(), request, &response);
  if (!status.ok()) return Refused(status);
  std::cout << "job " << Printable(job_id)
            << " stays counted until it is voided\n";
  return SendJob(*printer, response.job());
}

int Station::Void() {
  if (o_.job_id.empty() || o_.reason.empty()) {
    return Fail("--job-id and --reason are required", 2);
  }
  auto stub = lv1::LabelService::NewStub(channel_);
  lv1::VoidLabelRequest request;
  *request.mutable_context() = NewRequestContext();
  request.set_job_id(o_.job_id);
  lv1::VoidLabelResponse response;
  auto context = Context(request.context().request_id());
  grpc::Status status = stub->VoidLabel(context.get(), request, &response);
  if (!status.ok()) return Refused(status);
  std::cout << "voided job " << Printable(response.job().job_id()) << " (the "
            << LabelTypeWords(response.job().type()) << " label of "
            << Printable(response.job().item_id())
            << "): " << Printable(response.job().void_reason()) << "\n";
  return 0;
}

int Station::Verify() {
  absl::StatusOr<std::string> item_id = ResolveItem();
  if (!item_id.ok()) return Refused(item_id.status());
  auto stub = lv1::LabelService::NewStub(channel_);
  int passed = 0;
  int failed = 0;
  int refused = 0;
  while (true) {
    std::optional<std::string> scan =
        ReadLine("Scan the label (an empty line ends): ");
    if (!scan.has_value() || scan->empty()) break;
    lv1::VerifyLabelScanRequest request;
    *request.mutable_context() = NewRequestContext();
    request.set_item_id(*item_id);
    request.set_scan(*scan);
    lv1::VerifyLabelScanResponse response;
    auto context = Context(request.context().request_id());
    grpc::Status status =
        stub->VerifyLabelScan(context.get(), request, &response);
    if (!status.ok()) {
      ++refused;
      Refused(status);
      continue;
    }
    const bool pass =
        response.verification().result() == lv1::VERIFICATION_RESULT_PASS;
    ++(pass ? passed : failed);
    std::cout << VerdictLine(response.verification()) << std::endl;
  }
  const int scans = passed + failed + refused;
  if (scans == 0) return Fail("no scan read: nothing was verified", 1);
  std::cout << scans << (scans == 1 ? " scan: " : " scans: ") << passed
            << " passed, " << failed << " failed";
  if (refused > 0) std::cout << ", " << refused << " refused";
  std::cout << "\n";
  return failed == 0 && refused == 0 ? 0 : 1;
}

int Station::Reconcile() {
  if (o_.item.empty() == o_.din.empty()) {
    return Fail("give either --item ITEM or --din DIN", 2);
  }
  lv1::ReconcileLabelsRequest request;
  std::string of;
  if (!o_.din.empty()) {
    absl::StatusOr<std::string> din = ParseDinInput(o_.din);
    if (!din.ok()) return Fail(StatusLine(din.status()), 2);
    request.set_din(*din);
    of = "DIN " + *din;
  } else {
    absl::StatusOr<std::string> item_id = ResolveItem();
    if (!item_id.ok()) return Refused(item_id.status());
    request.set_item_id(*item_id);
    of = "item " + Printable(*item_id);
  }
  auto stub = lv1::LabelService::NewStub(channel_);
  lv1::ReconcileLabelsResponse response;
  auto context = Context();
  grpc::Status status =
      stub->ReconcileLabels(context.get(), request, &response);
  if (!status.ok()) return Refused(status);
  std::cout << "labels of " << of << ": " << response.items_size()
            << (response.items_size() == 1 ? " item" : " items") << "\n\n"
            << ReconciliationText(response);
  return 0;
}

const std::vector<Verb>& Verbs() {
  static const auto* verbs = new std::vector<Verb>{
      {"login", {"user-id", "password-stdin"}, &Station::Login},
      {"logout", {}, &Station::Logout},
      {"print",
       {"item", "printer", "dpi", "copies", "timeout", "png"},
       &Station::Print},
      {"reprint",
       {"item", "job-id", "reason", "printer", "dpi", "copies", "timeout",
        "png", "password-stdin"},
       &Station::Reprint},
      {"void", {"job-id", "reason"}, &Station::Void},
      {"verify", {"item"}, &Station::Verify},
      {"reconcile", {"item", "din"}, &Station::Reconcile},
  };
  return *verbs;
}

void Declare(config::Loader& loader, StationOptions& o) {
  client::DeclareConnectionFlags(loader, o);
  loader.Bool("password-stdin", &o.password_stdin,
              "Read the password from stdin, one line, instead of the "
              "terminal.");
  loader.String("user-id", &o.user_id, "login: your user id.");
  loader.String("item", &o.item,
                "The item: its id (itm_...), its DIN or its scanned label.");
  loader.String("printer", &o.printer,
                "The Zebra printer, HOST[:PORT] (port 9100 by default).");
  loader.Int64("dpi", &o.dpi, 0, 300, "The printer's resolution: 203 or 300.");
  loader.Int64("copies", &o.copies, 1, 10, "Labels to print.");
  loader.Duration("timeout", &o.timeout,
                  "How long the printer may take to answer.");
  loader.String("job-id", &o.job_id, "reprint, void: the print job (lbj_...).");
  loader.String("reason", &o.reason,
                "reprint, void: why (recorded with the job).");
  loader.String("din", &o.din, "reconcile: a donation's DIN.");
  loader.String("png", &o.png,
                "print, reprint: also save the label sent to the printer as\n"
                "a PNG in this file (one pixel per printer dot).");
}

// The name of each flag in `args` ("--item=x", "--item x", "--no-foo").
std::vector<std::string> FlagNames(std::span<const std::string> args) {
  std::vector<std::string> names;
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (!arg.starts_with("--")) continue;
    std::string name = arg.substr(2, arg.find('=') - 2);
    if (name.starts_with("no-")) name.erase(0, 3);
    names.push_back(name);
  }
  return names;
}

}  // namespace

int RunStation(std::span<const std::string> args) {
  StationOptions options;
  config::Loader loader("cellchain-label station", "CELLCHAIN");
  Declare(loader, options);
  std::vector<const char*> argv = {"cellchain-label station"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  auto env = [](const std::string& name) -> std::optional<std::string> {
    for (std::string_view allowed : kFromEnvironment) {
      if (name == allowed) return config::GetEnv(name);
    }
    return std::nullopt;
  };
  absl::Status loaded =
      loader.Load(static_cast<int>(argv.size()), argv.data(), env);
  if (config::IsHelpRequested(loaded)) {
    // The station's usage, then the flags: the Loader's text without its
    // own usage line ("Usage: ... [flags] [args...]"), which would say it
    // a second time.
    const std::string flags = loader.Usage();
    std::cout << kUsage << flags.substr(flags.find('\n') + 1);
    return 0;
  }
  const std::vector<std::string>& words = loader.positional();
  if (words.empty()) {
    std::cerr << "cellchain-label station: missing command\n\n" << kUsage;
    return 2;
  }
  const Verb* verb = nullptr;
  for (const Verb& v : Verbs()) {
    if (v.name == words[0]) verb = &v;
  }
  if (verb == nullptr || words.size() > 1) {
    std::cerr << "cellchain-label station: "
              << (verb == nullptr ? "unknown command \"" + words[0] + "\""
                                  : "unexpected argument \"" + words[1] + "\"")
              << "\n\n"
              << kUsage;
    return 2;
  }
  // A flag the command does not take is refused, not ignored: a --reason
  // given to print would otherwise look recorded.
  for (const std::string& name : FlagNames(args)) {
    // Every command takes the connection's flags (and --help).
    bool known = name == "help";
    for (std::string_view flag : client::ConnectionFlagNames()) {
      known = known || flag == name;
    }
    for (std::string_view flag : verb->flags) known = known || flag == name;
    if (!known) {
      std::cerr << "cellchain-label station " << words[0] << ": --" << name
                << " is not a flag of this command\n";
      return 2;
    }
  }
  if (!loaded.ok()) {
    std::cerr << "cellchain-label station " << words[0] << ": "
              << loaded.message() << "\n";
    return 2;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = grpcx::NewChannel(
      {options.target, {options.cert, options.key, options.ca}});
  if (!channel.ok()) {
    std::cerr << "cellchain-label station: " << channel.status().message()
              << "\n";
    return 2;
  }
  Station station(words[0], std::move(options), *channel);
  if (words[0] != "login") station.LoadSession();
  return (station.*(verb->run))();
}

}  // namespace cellchain::label
