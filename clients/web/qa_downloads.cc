#include "clients/web/qa_downloads.h"

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "cellchain/qc/v1/qc.grpc.pb.h"
#include "clients/cli/export_bundle.h"
#include "clients/web/tar_archive.h"
#include "clients/web/unary.h"
#include "services/common/crypto/sha256.h"

namespace cellchain::web {
namespace {

namespace audit = ::cellchain::audit::v1;
namespace qc = ::cellchain::qc::v1;

constexpr char kBundleName[] = "audit-bundle";

// A directory of its own under TMPDIR, removed with this.
class TempDir {
 public:
  static absl::StatusOr<TempDir> Make() {
    std::string path =
        (std::filesystem::temp_directory_path() / "cellchain-web-XXXXXX")
            .string();
    if (mkdtemp(path.data()) == nullptr) {
      return absl::InternalError("cannot make a temporary directory");
    }
    return TempDir(std::move(path));
  }
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// The name a browser saves a file under: its letters, digits, '.', '-' and
// '_' only (the service's name has no others), never a directory.
std::string SafeFileName(const std::string& name) {
  std::string safe = std::filesystem::path(name).filename().string();
  for (char& c : safe) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '-' && c != '_') {
      c = '_';
    }
  }
  return safe.empty() || safe[0] == '.' ? "download" + safe : safe;
}

}  // namespace

Fetch ExportBundleTar() {
  return [](const std::shared_ptr<grpc::Channel>& channel,
            grpc::ClientContext& context,
            std::string_view json) -> absl::StatusOr<Download> {
    absl::StatusOr<audit::ExportBundleRequest> request =
        ParseBody<audit::ExportBundleRequest>(json);
    if (!request.ok()) return request.status();
    absl::StatusOr<TempDir> temp = TempDir::Make();
    if (!temp.ok()) return temp.status();
    const std::string dir = absl::StrCat(temp->path(), "/", kBundleName);
    auto stub = audit::AuditService::NewStub(channel);
    auto reader = stub->ExportBundle(&context, *request);
    absl::StatusOr<cli::ExportSummary> written = cli::WriteBundle(*reader, dir);
    // A stream left unread (a malformed item) would hold Finish until the
    // deadline: cancelled (a stream that ended keeps its own status).
    if (!written.ok()) context.TryCancel();
    // The service's refusal first: it explains a stream cut short.
    absl::Status status = grpcx::FromGrpcStatus(reader->Finish());
    if (!status.ok() && status.code() != absl::StatusCode::kCancelled) {
      return status;
    }
    if (!written.ok()) return written.status();
    if (!status.ok()) return status;
    absl::StatusOr<std::string> tar = TarDirectory(dir, kBundleName);
    if (!tar.ok()) return tar.status();
    return Download{"application/x-tar", absl::StrCat(kBundleName, ".tar"),
                    *std::move(tar)};
  };
}

Fetch CertificatePdf() {
  return [](const std::shared_ptr<grpc::Channel>& channel,
            grpc::ClientContext& context,
            std::string_view json) -> absl::StatusOr<Download> {
    absl::StatusOr<qc::GetCertificateRequest> request =
        ParseBody<qc::GetCertificateRequest>(json);
    if (!request.ok()) return request.status();
    qc::GetCertificateResponse response;
    grpc::Status status = qc::QcService::NewStub(channel)->GetCertificate(
        &context, *request, &response);
    if (!status.ok()) return grpcx::FromGrpcStatus(status);
    // What is saved must be what the service rendered and hashed.
    const std::string sha256 = crypto::Sha256Hex(response.pdf());
    if (sha256 != response.sha256_hex()) {
      return absl::DataLossError(absl::StrCat(
          "the certificate received hashes to ", sha256, ", not the service's ",
          response.sha256_hex()));
    }
    return Download{"application/pdf", SafeFileName(response.file_name()),
                    std::move(*response.mutable_pdf())};
  };
}

}  // namespace cellchain::web
