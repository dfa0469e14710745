// Fuzz target: audit bundles as cellchain-verify reads them
// (services/ledger/bundle.h, bundle_json.h, and the verifier over what was
// read). A bundle is a directory, so the input is a small archive of it:
//
//   @@@ manifest.json\n<content>\n@@@ records/index.jsonl\n<content>...
//
// each file a line "@@@ <relative path>" and its content up to the newline
// before the next "@@@ " line (a path with an empty, "." or ".." part, or
// more than four parts, is skipped). The archive is unpacked into a fresh
// temporary directory for each input. Besides "no crash", it checks:
//   - ReadBundle refuses with the codes it documents only;
//   - the verifier runs to a report on whatever was read, with the
//     manifest's own key trusted for checkpoints (it never fails);
//   - a bundle that reads and writes back reads again, with the same counts
//     declared and found, and writing that one gives byte for byte the same
//     files: what cellchain-verify reads is what the exporter wrote.
// The seeds are services/ledger/testdata/bundle_v1 (written by the
// project's own exporter) packed this way, whole and cut to one record.

#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/ledger/bundle.h"
#include "services/ledger/note.h"
#include "services/ledger/verifier.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace fs = std::filesystem;
namespace ledger = cellchain::ledger;

constexpr std::string_view kMarker = "@@@ ";
constexpr size_t kMaxFiles = 256;

// One temporary directory for the process, removed at exit: under $TMPDIR,
// else in memory (/dev/shm) where there is one, since creating files on a
// disk's file system is most of an input's cost, else /tmp.
const fs::path& WorkDir() {
  static const fs::path* dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::error_code error;
    std::string base = tmp != nullptr && *tmp != '\0'        ? tmp
                       : fs::is_directory("/dev/shm", error) ? "/dev/shm"
                                                             : "/tmp";
    std::string pattern = base + "/cellchain-fuzz-bundle-XXXXXX";
    FUZZ_CHECK(mkdtemp(pattern.data()) != nullptr,
               "a temporary directory can be made");
    auto* path = new fs::path(pattern);
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(WorkDir(), ignored);
    });
    return path;
  }();
  return *dir;
}

bool SafeRelativePath(std::string_view path) {
  if (path.empty() || path.size() > 512) return false;
  size_t parts = 0;
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = path.find('/', begin);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(begin, end - begin);
    if (part.empty() || part == "." || part == ".." ||
        part.find('\0') != std::string_view::npos || part.size() > 200) {
      return false;
    }
    ++parts;
    begin = end + 1;
  }
  return parts <= 4;
}

// Unpacks the archive into `dir` (which must not exist).
void Unpack(std::string_view archive, const fs::path& dir) {
  std::error_code ignored;
  fs::create_directories(dir, ignored);
  size_t at = archive.starts_with(kMarker) ? 0 : archive.find("\n@@@ ");
  if (at != 0 && at != std::string_view::npos) ++at;
  size_t files = 0;
  while (at != std::string_view::npos && files < kMaxFiles) {
    size_t path_begin = at + kMarker.size();
    size_t path_end = archive.find('\n', path_begin);
    if (path_end == std::string_view::npos) return;
    std::string_view path = archive.substr(path_begin, path_end - path_begin);
    size_t next = archive.find("\n@@@ ", path_end);
    size_t content_end = next == std::string_view::npos ? archive.size() : next;
    std::string_view content =
        path_end + 1 <= content_end
            ? archive.substr(path_end + 1, content_end - path_end - 1)
            : std::string_view();
    if (SafeRelativePath(path)) {
      fs::path file = dir / std::string(path);
      fs::create_directories(file.parent_path(), ignored);
      if (std::FILE* out = std::fopen(file.c_str(), "wb")) {
        std::fwrite(content.data(), 1, content.size(), out);
        std::fclose(out);
      }
      ++files;
    }
    at = next == std::string_view::npos ? next : next + 1;
  }
}

// Every regular file under `dir`, by relative path.
std::map<std::string, std::string> Files(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string content;
    if (std::FILE* in = std::fopen(entry.path().c_str(), "rb")) {
      char buffer[4096];
      size_t got;
      while ((got = std::fread(buffer, 1, sizeof buffer, in)) > 0) {
        content.append(buffer, got);
      }
      std::fclose(in);
    }
    // The path below `dir` by its text: fs::relative resolves links and
    // was a third of an input's time.
    files.emplace(entry.path().string().substr(dir.string().size()),
                  std::move(content));
  }
  return files;
}

void VerifyWhatWasRead(const ledger::Bundle& bundle) {
  ledger::ManifestDiscrepancies(bundle);
  std::vector<ledger::NoteVerifier> verifiers;
  absl::StatusOr<ledger::NoteVerifier> manifest_key =
      ledger::NoteVerifier::FromKeyString(bundle.verifier_key);
  if (manifest_key.ok()) verifiers.push_back(*manifest_key);
  ledger::VerifyOptions options;
  options.threads = 1;
  ledger::VerifyResult result =
      ledger::Verify(ledger::ToVerifyInput(bundle, verifiers), options);
  for (const ledger::Finding& finding : result.findings) {
    ledger::FormatFinding(finding);
  }
}

void CheckRoundTrip(const ledger::Bundle& read, const fs::path& work) {
  const fs::path first = work / "written";
  const fs::path second = work / "rewritten";
  absl::Status written = ledger::WriteBundle(read, first.string());
  if (!written.ok()) {
    FUZZ_CHECK(written.code() == absl::StatusCode::kInvalidArgument,
               "WriteBundle refuses a bundle it was given with "
               "INVALID_ARGUMENT");
    return;
  }
  absl::StatusOr<ledger::Bundle> again = ledger::ReadBundle(first.string());
  FUZZ_CHECK(again.ok(), "a bundle WriteBundle wrote reads back");
  FUZZ_CHECK(again->Counts() == read.Counts(),
             "a bundle reads back with what was written");
  FUZZ_CHECK(again->declared == read.Counts() && again->found == read.Counts(),
             "a written bundle's manifest counts its files");
  FUZZ_CHECK(ledger::WriteBundle(*again, second.string()).ok(),
             "a bundle read back writes again");
  FUZZ_CHECK(Files(first) == Files(second),
             "writing what was read gives the same files");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view archive(reinterpret_cast<const char*>(data), size);
  const fs::path& work = WorkDir();
  std::error_code ignored;
  for (const char* sub : {"in", "written", "rewritten"}) {
    fs::remove_all(work / sub, ignored);
  }
  const fs::path in = work / "in";
  Unpack(archive, in);

  absl::StatusOr<ledger::Bundle> bundle = ledger::ReadBundle(in.string());
  if (!bundle.ok()) {
    absl::StatusCode code = bundle.status().code();
    FUZZ_CHECK(code == absl::StatusCode::kNotFound ||
                   code == absl::StatusCode::kInvalidArgument ||
                   code == absl::StatusCode::kPermissionDenied ||
                   code == absl::StatusCode::kInternal,
               "ReadBundle refuses with the codes it documents");
    return 0;
  }
  VerifyWhatWasRead(*bundle);
  CheckRoundTrip(*bundle, work);
  return 0;
}
