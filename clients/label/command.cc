#include "clients/label/command.h"

#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <initializer_list>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "cellchain/labels/v1/labels.pb.h"
#include "clients/label/isbt_json.h"
#include "clients/label/printer.h"
#include "clients/label/render.h"
#include "services/common/strings/absl_view.h"
#include "services/isbt128/din.h"
#include "services/isbt128/scan.h"

namespace cellchain::label {
namespace {

constexpr char kUsage[] =
    "usage: cellchain-label <command> [arguments]\n"
    "\n"
    "  render --from-json FILE --format zpl|png|pdf --dpi 203|300 -o OUT\n"
    "      Renders a label (cellchain.labels.v1.Label as JSON) to ZPL II, a\n"
    "      PNG preview (one pixel per printer dot) or a PDF. OUT - is stdout.\n"
    "  print --from-json FILE --dpi 203|300 (--printer HOST[:PORT] | -o FILE)\n"
    "        [--copies N] [--timeout SECONDS]\n"
    "      Sends the label's ZPL to a Zebra printer over raw TCP (port 9100\n"
    "      unless given) after reading its ~HS status; a printer that is\n"
    "      paused, out of labels or ribbon, open or full is refused and sent\n"
    "      nothing. With -o the ZPL is written to FILE instead.\n"
    "  printer-status --printer HOST[:PORT] [--timeout SECONDS]\n"
    "      Prints what the printer's ~HS status says.\n"
    "  isbt check-char DIN13\n"
    "      Prints the ISO/IEC 7064 MOD 37-2 keyboard entry check character\n"
    "      of a 13-character DIN (A999921123456 gives 3).\n"
    "  isbt parse STRING\n"
    "      Prints the ISBT 128 data structures of a scanned string (one,\n"
    "      several concatenated, or a =+ compound message) as JSON.\n"
    "  station <command> ...\n"
    "      The technician's station, working with cellchaind's labels\n"
    "      service: login, print, reprint, void, verify (scans from stdin),\n"
    "      reconcile. See cellchain-label station --help.\n"
    "\n"
    "Exit status: 0 done, 1 refused (the reason on stderr), 2 usage.\n";

constexpr absl::Duration kDefaultTimeout = absl::Seconds(5);

struct Io {
  std::ostream& out;
  std::ostream& err;
};

int Usage(std::string_view message, Io& io) {
  io.err << "cellchain-label: " << message << "\n\n" << kUsage;
  return kExitUsage;
}

int Usage(const absl::Status& status, Io& io) {
  return Usage(std::string(status.message()), io);
}

int Refused(const absl::Status& status, Io& io) {
  io.err << "cellchain-label: refused: " << status.message() << "\n";
  return kExitRefused;
}

// What CLI11 reads "--name=" as, absent this marker: "--name" whose value is
// the next argument ("--format= zpl" would be zpl). Marked, it stays an empty
// value, refused as a missing flag like before. No command line holds it.
constexpr std::string_view kEmptyValue =
    "\x01"
    "cellchain-label:empty\x01";

std::string Unmarked(std::string text) {
  if (text.ends_with(kEmptyValue)) {
    text.resize(text.size() - kEmptyValue.size());
  }
  return text;
}

// One command's command line as CLI11 read it: each flag's value by the
// flag's name as the usage spells it ("--dpi", "-o"), and the arguments.
struct CommandLine {
  std::map<std::string, std::string, std::less<>> flags;
  std::vector<std::string> arguments;
  bool help = false;
};

// Reads a command's arguments (those after its name) with a CLI::App of its
// own holding `flags`, each taking exactly one value: the next argument,
// whatever it looks like ("-o -" is stdout, "--from-json -x.json" a file),
// or the text after "=". One App per command rather than CLI11 subcommands
// of one App: the command is picked by its first word (main.cc has already
// sent `station` to config::Loader, itself on CLI11), and an App per command
// keeps each command's flags its own, where CLI11 subcommands would take a
// word naming another command for a switch to it (`render print`). "-h" or
// "--help" anywhere asks for the usage, over any other problem, as in
// config::Loader. Returns INVALID_ARGUMENT naming the flag: an unknown flag,
// a flag given twice, a flag without its value. CLI11 reports by throwing;
// nothing thrown leaves this function (decision 0003).
absl::StatusOr<CommandLine> ReadCommandLine(
    std::span<const std::string> args,
    std::initializer_list<std::string_view> flags) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  for (std::string& arg : reversed) {
    if (arg.starts_with("--") && arg.ends_with("=")) arg += kEmptyValue;
  }
  CommandLine line;
  CLI::App app;
  // Unknown flags and arguments are left in remaining() and read below,
  // rather than thrown as CLI11's ExtrasError, which would stop a "--help"
  // after them.
  app.allow_extras();
  std::vector<CLI::Option*> options;
  try {
    app.set_help_flag("-h,--help");
    for (std::string_view flag : flags) {
      options.push_back(
          app.add_option(std::string(flag))
              ->expected(1)
              ->multi_option_policy(CLI::MultiOptionPolicy::Throw));
    }
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    line.help = true;
    return line;
  } catch (const CLI::ArgumentMismatch&) {
    if (app.get_help_ptr()->count() > 0) {
      line.help = true;
      return line;
    }
    for (const CLI::Option* option : options) {
      if (option->count() > 1) {
        return absl::InvalidArgumentError(
            absl::StrCat(option->get_name(), " given twice"));
      }
    }
    // CLI11 ran out of arguments while reading a flag's value, so the flag
    // is the last argument.
    const std::string& last = args.back();
    return absl::InvalidArgumentError(
        absl::StrCat(last.substr(0, last.find('=')), " needs a value"));
  } catch (const CLI::Error& error) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the command line cannot be read (", error.get_name(), ")"));
  }
  // What no flag took is left in remaining(), in order: the arguments, and
  // as before a word starting with "-" ("-" alone is stdin or stdout) is an
  // unknown flag, named without its value. So are "--", which these commands
  // never took, and "-1" or "---x", which CLI11 alone would take for
  // arguments. Arguments are not a CLI11 positional option, which would
  // split "[a,b]" into two.
  std::vector<std::string> unknown;
  for (std::string& word : app.remaining()) {
    if (word.size() > 1 && word.starts_with("-")) {
      unknown.push_back(
          absl::StrCat("unknown flag ", word.substr(0, word.find('='))));
    } else {
      line.arguments.push_back(std::move(word));
    }
  }
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(unknown, "; "));
  }
  for (size_t i = 0; i < options.size(); ++i) {
    if (options[i]->count() > 0) {
      line.flags.emplace(std::string(flags.begin()[i]),
                         Unmarked(options[i]->results().front()));
    }
  }
  return line;
}

std::string Flag(const CommandLine& line, std::string_view name) {
  auto it = line.flags.find(name);
  return it == line.flags.end() ? std::string() : it->second;
}

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  std::stringstream data;
  if (path == "-") {
    data << std::cin.rdbuf();
  } else {
    std::ifstream file(path, std::ios::binary);
    if (!file) return absl::NotFoundError(absl::StrCat("cannot read ", path));
    data << file.rdbuf();
  }
  return data.str();
}

absl::Status WriteOutput(const std::string& path, const std::string& data,
                         Io& io) {
  if (path == "-") {
    io.out << data;
    io.out.flush();
    return absl::OkStatus();
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << data;
  file.close();
  if (!file) {
    return absl::PermissionDeniedError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<labels::v1::Label> ReadLabel(const std::string& path) {
  absl::StatusOr<std::string> json = ReadInput(path);
  if (!json.ok()) return json.status();
  labels::v1::Label label;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto parsed =
      google::protobuf::util::JsonStringToMessage(*json, &label, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not a cellchain.labels.v1.Label in JSON: ",
                     std::string(parsed.message())));
  }
  return label;
}

absl::StatusOr<int> ParseDpi(const std::string& text) {
  int dpi = 0;
  if (!absl::SimpleAtoi(text, &dpi) || (dpi != 203 && dpi != 300)) {
    return absl::InvalidArgumentError("--dpi must be 203 or 300");
  }
  return dpi;
}

absl::StatusOr<absl::Duration> ParseTimeout(const std::string& text) {
  if (text.empty()) return kDefaultTimeout;
  int seconds = 0;
  if (!absl::SimpleAtoi(text, &seconds) || seconds < 1 || seconds > 600) {
    return absl::InvalidArgumentError("--timeout must be 1 to 600 seconds");
  }
  return absl::Seconds(seconds);
}

// What every command does first, alike: reads its arguments (ReadCommandLine),
// a bad flag is a usage error (exit 2), "-h"/"--help" prints the usage (exit
// 0), and unless `takes_words` an argument that is no flag's value is a usage
// error. Returns the exit code when the command ends there, else nullopt with
// `*line` read.
std::optional<int> StartCommand(std::span<const std::string> rest,
                                std::initializer_list<std::string_view> flags,
                                bool takes_words, Io& io, CommandLine* line) {
  absl::StatusOr<CommandLine> args = ReadCommandLine(rest, flags);
  if (!args.ok()) return Usage(args.status(), io);
  if (args->help) {
    io.out << kUsage;
    return kExitDone;
  }
  if (!takes_words && !args->arguments.empty()) {
    return Usage(absl::StrCat("unexpected argument ", args->arguments[0]), io);
  }
  *line = *std::move(args);
  return std::nullopt;
}

int RenderCommand(std::span<const std::string> rest, Io& io) {
  CommandLine line;
  if (std::optional<int> done = StartCommand(
          rest, {"--from-json", "--format", "--dpi", "-o"}, false, io, &line)) {
    return *done;
  }
  for (std::string_view name : {"--from-json", "--format", "--dpi", "-o"}) {
    if (Flag(line, name).empty()) {
      return Usage(absl::StrCat("missing ", ToAbsl(name)), io);
    }
  }
  absl::StatusOr<Format> format = ParseFormat(Flag(line, "--format"));
  if (!format.ok()) return Usage("--format must be zpl, png or pdf", io);
  absl::StatusOr<int> dpi = ParseDpi(Flag(line, "--dpi"));
  if (!dpi.ok()) return Usage(dpi.status(), io);
  absl::StatusOr<labels::v1::Label> label =
      ReadLabel(Flag(line, "--from-json"));
  if (!label.ok()) return Refused(label.status(), io);
  absl::StatusOr<std::string> rendered = Render(*label, *format, *dpi);
  if (!rendered.ok()) return Refused(rendered.status(), io);
  absl::Status written = WriteOutput(Flag(line, "-o"), *rendered, io);
  if (!written.ok()) return Refused(written, io);
  return kExitDone;
}

int PrintCommand(std::span<const std::string> rest, Io& io) {
  CommandLine line;
  if (std::optional<int> done = StartCommand(
          rest,
          {"--from-json", "--dpi", "--printer", "-o", "--copies", "--timeout"},
          false, io, &line)) {
    return *done;
  }
  if (Flag(line, "--from-json").empty())
    return Usage("missing --from-json", io);
  if (Flag(line, "--dpi").empty()) return Usage("missing --dpi", io);
  const std::string printer = Flag(line, "--printer");
  const std::string file = Flag(line, "-o");
  if (printer.empty() == file.empty()) {
    return Usage("give either --printer HOST[:PORT] or -o FILE", io);
  }
  absl::StatusOr<int> dpi = ParseDpi(Flag(line, "--dpi"));
  if (!dpi.ok()) return Usage(dpi.status(), io);
  int copies = 1;
  if (const std::string c = Flag(line, "--copies");
      !c.empty() &&
      (!absl::SimpleAtoi(c, &copies) || copies < 1 || copies > 99)) {
    return Usage("--copies must be 1 to 99", io);
  }
  absl::StatusOr<absl::Duration> timeout =
      ParseTimeout(Flag(line, "--timeout"));
  if (!timeout.ok()) return Usage(timeout.status(), io);
  absl::StatusOr<PrinterAddress> address;
  if (!printer.empty()) {
    address = ParsePrinterAddress(printer);
    if (!address.ok()) return Usage(address.status(), io);
  }
  absl::StatusOr<labels::v1::Label> label =
      ReadLabel(Flag(line, "--from-json"));
  if (!label.ok()) return Refused(label.status(), io);
  absl::StatusOr<std::string> zpl = Render(*label, Format::kZpl, *dpi, copies);
  if (!zpl.ok()) return Refused(zpl.status(), io);
  if (!file.empty()) {
    absl::Status written = WriteOutput(file, *zpl, io);
    if (!written.ok()) return Refused(written, io);
    return kExitDone;
  }
  absl::Status sent = SendToPrinter(*address, *zpl, *timeout);
  if (!sent.ok()) return Refused(sent, io);
  io.err << "cellchain-label: sent " << copies << " label"
         << (copies == 1 ? "" : "s") << " for " << label->item_id() << " to "
         << address->host << ":" << address->port << "\n";
  return kExitDone;
}

int PrinterStatusCommand(std::span<const std::string> rest, Io& io) {
  CommandLine line;
  if (std::optional<int> done =
          StartCommand(rest, {"--printer", "--timeout"}, false, io, &line)) {
    return *done;
  }
  if (Flag(line, "--printer").empty()) return Usage("missing --printer", io);
  absl::StatusOr<PrinterAddress> address =
      ParsePrinterAddress(Flag(line, "--printer"));
  if (!address.ok()) return Usage(address.status(), io);
  absl::StatusOr<absl::Duration> timeout =
      ParseTimeout(Flag(line, "--timeout"));
  if (!timeout.ok()) return Usage(timeout.status(), io);
  absl::StatusOr<PrinterStatus> status = QueryPrinter(*address, *timeout);
  if (!status.ok()) return Refused(status.status(), io);
  auto yes = [](bool b) { return b ? "yes" : "no"; };
  io.out << "paused: " << yes(status->paused) << "\n"
         << "out of labels: " << yes(status->paper_out) << "\n"
         << "out of ribbon: " << yes(status->ribbon_out) << "\n"
         << "thermal transfer: " << yes(status->thermal_transfer) << "\n"
         << "head open: " << yes(status->head_open) << "\n"
         << "buffer full: " << yes(status->buffer_full) << "\n"
         << "formats in buffer: " << status->formats_in_buffer << "\n"
         << "label length (dots): " << status->label_length_dots << "\n";
  absl::Status ready = ReadyToPrint(*status);
  io.out << "ready: " << (ready.ok() ? "yes" : "no") << "\n";
  if (!ready.ok()) return Refused(ready, io);
  return kExitDone;
}

// `isbt VERB ARGUMENT`: both words are CLI11's arguments, so that "-h" and
// "--help" anywhere ask for the usage, and a word starting with "-" is
// refused as an unknown flag (no ISBT 128 data structure starts with "-").
int IsbtCommand(std::span<const std::string> rest, Io& io) {
  CommandLine line;
  if (std::optional<int> done = StartCommand(rest, {}, true, io, &line)) {
    return *done;
  }
  const std::vector<std::string>& words = line.arguments;
  if (words.empty()) return Usage("missing isbt command", io);
  const std::string& verb = words[0];
  if (verb != "check-char" && verb != "parse") {
    return Usage(absl::StrCat("unknown isbt command ", verb), io);
  }
  if (words.size() != 2) {
    return Usage(absl::StrCat("isbt ", verb, " takes one argument"), io);
  }
  const std::string& arg = words[1];
  if (verb == "check-char") {
    absl::StatusOr<isbt128::Din> din = isbt128::Din::Parse(arg);
    if (!din.ok()) return Refused(din.status(), io);
    io.out << din->CheckCharacter() << "\n";
    return kExitDone;
  }
  absl::StatusOr<std::vector<isbt128::DataStructure>> parsed =
      isbt128::ParseScan(arg);
  if (!parsed.ok()) return Refused(parsed.status(), io);
  io.out << ScanJson(arg.starts_with("=+"), *parsed);
  return kExitDone;
}

}  // namespace

int Run(std::span<const std::string> args, std::ostream& out,
        std::ostream& err) {
  Io io{out, err};
  if (args.empty()) return Usage("missing command", io);
  const std::string& command = args[0];
  std::span<const std::string> rest = args.subspan(1);
  if (command == "--help" || command == "-h" || command == "help") {
    out << kUsage;
    return kExitDone;
  }
  if (command == "render") return RenderCommand(rest, io);
  if (command == "print") return PrintCommand(rest, io);
  if (command == "printer-status") return PrinterStatusCommand(rest, io);
  if (command == "isbt") return IsbtCommand(rest, io);
  return Usage(absl::StrCat("unknown command ", command), io);
}

}  // namespace cellchain::label
