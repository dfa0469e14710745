// cellchain qc spec-create|spec-approve|spec-show|spec-list: QA's release
// specifications, each version a list of tests with their acceptance
// criteria that takes effect when QA approves it.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/cli/cli.h"
#include "clients/cli/qc_commands_internal.h"
#include "clients/cli/table.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli::qc_cli {
namespace {

std::string Status(v1::SpecificationStatus s) {
  return Word(v1::SpecificationStatus_Name(s), "SPECIFICATION_STATUS_");
}

// "required", "required, may be pending at release", "optional".
std::string Requirement(const v1::SpecTest& test) {
  if (!test.required()) return "optional";
  return test.may_be_pending() ? "required, may be pending at release"
                               : "required";
}

void PrintSpecification(const v1::Specification& spec) {
  auto line = [](const char* label, const std::string& value) {
    std::cout << "  " << PadLabel(label, 15) << value << "\n";
  };
  line("specification", spec.specification_id());
  line("name",
       absl::StrCat(Printable(spec.name()), " version ", spec.version()));
  line("product", Printable(spec.product()));
  std::string status = Status(spec.status());
  if (spec.status() == v1::SPECIFICATION_STATUS_SUPERSEDED) {
    absl::StrAppend(&status, " at ", DisplayTime(spec.superseded_at()));
  }
  line("status", status);
  line("created", absl::StrCat(DisplayTime(spec.created_at()), " by ",
                               Printable(spec.created_by_user_id())));
  if (!spec.approved_by_user_id().empty()) {
    line("approved", absl::StrCat(DisplayTime(spec.approved_at()), " by ",
                                  Printable(spec.approved_by_user_id())));
  }
  Table table({"CODE", "TEST", "METHOD", "CRITERION", "REQUIRED"}, "  ");
  for (const v1::SpecTest& test : spec.tests()) {
    table.AddRow({Printable(test.code()), Printable(test.name()),
                  Printable(test.method()), Printable(test.criterion()),
                  Requirement(test)});
  }
  table.Print(std::cout);
}

// The tests of --tests-file: {"tests": [SpecTest, ...]} in proto3 JSON. 0,
// or the exit code after printing why.
int ReadTestsFile(const std::string& command, const std::string& path,
                  v1::CreateSpecificationRequest* request) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(command, "--tests-file: cannot read " + path, 2);
  std::stringstream text;
  text << in.rdbuf();
  v1::Specification file;
  auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &file);
  if (!parsed.ok()) {
    return Fail(command,
                absl::StrCat("--tests-file: ", path,
                             " is not {\"tests\": [...]} in JSON: ",
                             std::string(parsed.message())),
                2);
  }
  v1::Specification rest = file;
  rest.clear_tests();
  if (rest.ByteSizeLong() != 0) {
    return Fail(command,
                "--tests-file: only \"tests\" is read from it (the name and "
                "product are --spec-name and --product)",
                2);
  }
  request->mutable_tests()->Swap(file.mutable_tests());
  return 0;
}

}  // namespace

int SpecCreate(std::shared_ptr<grpc::Channel> channel, const QcOptions& o) {
  const std::string cmd = Cmd("spec-create");
  if (o.use_default == !o.tests_file.empty()) {
    return Fail(cmd,
                "give either --use-default (the default specification's "
                "tests) or --tests-file=FILE",
                2);
  }
  v1::CreateSpecificationRequest request;
  if (!o.tests_file.empty()) {
    if (int code = ReadTestsFile(cmd, o.tests_file, &request); code != 0) {
      return code;
    }
  }
  *request.mutable_context() = NewRequestContext(o);
  request.set_name(o.spec_name);
  request.set_product(o.product);
  request.set_use_default(o.use_default);
  v1::CreateSpecificationResponse response;
  grpc::Status status =
      Call(channel, o, &v1::QcService::Stub::CreateSpecification, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Specification& spec = response.specification();
  std::cout << "specification " << spec.specification_id() << " ("
            << Printable(spec.name()) << " version " << spec.version()
            << ") created: " << Status(spec.status()) << ", "
            << spec.tests_size() << " test(s)\n";
  PrintSpecification(spec);
  std::cout << "it takes effect when QA approves it: cellchain qc "
               "spec-approve --spec-id="
            << spec.specification_id() << "\n";
  return 0;
}

int SpecApprove(std::shared_ptr<grpc::Channel> channel, const QcOptions& o) {
  const std::string cmd = Cmd("spec-approve");
  v1::ApproveSpecificationRequest request;
  request.set_specification_id(o.spec_id);
  if (!ReadSignature(o, cmd, "specification " + o.spec_id,
                     common::v1::SIGNATURE_MEANING_APPROVED,
                     request.mutable_signature())) {
    return 2;
  }
  *request.mutable_context() = NewRequestContext(o);
  v1::ApproveSpecificationResponse response;
  grpc::Status status =
      Call(channel, o, &v1::QcService::Stub::ApproveSpecification, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Specification& spec = response.specification();
  std::cout << "specification " << spec.specification_id() << " ("
            << Printable(spec.name()) << " version " << spec.version()
            << ") is " << Status(spec.status()) << ": approved by "
            << Printable(spec.approved_by_user_id()) << " at "
            << DisplayTime(spec.approved_at()) << " (signed APPROVED)\n";
  if (!response.superseded_specification_id().empty()) {
    std::cout << "the version in effect before, "
              << response.superseded_specification_id()
              << ", is SUPERSEDED; lots opened under it keep it\n";
  }
  return 0;
}

int SpecShow(std::shared_ptr<grpc::Channel> channel, const QcOptions& o) {
  const std::string cmd = Cmd("spec-show");
  v1::GetSpecificationRequest request;
  if (!o.spec_id.empty()) {
    request.set_specification_id(o.spec_id);
  } else if (!o.spec_name.empty()) {
    request.set_effective_name(o.spec_name);
  } else {
    return Fail(cmd,
                "which specification? give --spec-id=SPC, or --spec-name=NAME "
                "for the version in effect",
                2);
  }
  v1::GetSpecificationResponse response;
  grpc::Status status = Call(channel, o, &v1::QcService::Stub::GetSpecification,
                             request, &response);
  if (!status.ok()) return Report(cmd, status);
  PrintSpecification(response.specification());
  return 0;
}

int SpecList(std::shared_ptr<grpc::Channel> channel, const QcOptions& o) {
  const std::string cmd = Cmd("spec-list");
  v1::ListSpecificationsRequest request;
  request.set_name(o.spec_name);
  v1::ListSpecificationsResponse response;
  grpc::Status status = Call(
      channel, o, &v1::QcService::Stub::ListSpecifications, request, &response);
  if (!status.ok()) return Report(cmd, status);
  bool tools = ForTools(o.format);
  Table table({"SPECIFICATION", "NAME", "VERSION", "STATUS", "TESTS",
               tools ? "APPROVED AT" : "APPROVED (UTC)", "PRODUCT"});
  table.Number(2).Number(4);
  for (const v1::Specification& spec : response.specifications()) {
    table.AddRow({spec.specification_id(), spec.name(),
                  std::to_string(spec.version()), Status(spec.status()),
                  std::to_string(spec.tests_size()),
                  CellTime(spec.approved_at()), spec.product()});
  }
  PrintListing(table, o.format);
  if (!tools) {
    std::cout << response.specifications_size() << " specification(s)\n";
  }
  return 0;
}

}  // namespace cellchain::cli::qc_cli
