// The request text rules, on the wire bytes a client sends.
#include "services/common/grpc/request_text.h"

#include <google/protobuf/struct.pb.h>

#include <string>

#include "cellchain/identity/v1/identity.pb.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::grpcx {
namespace {

using identity::v1::CreateUserRequest;

// A request whose printed name is `name` and whose reason is `reason`, as
// bytes. Serializing invalid UTF-8 only logs: a client can send it.
std::string CreateUser(const std::string& name,
                       const std::string& reason = "new starter") {
  CreateUserRequest request;
  request.mutable_context()->set_request_id("req-0123456789abcdef");
  request.mutable_context()->set_reason(reason);
  request.set_user_id("alice");
  request.set_printed_name(name);
  request.set_temporary_password("Temp\tPass 1");
  return request.SerializeAsString();
}

absl::Status Check(const std::string& wire) {
  return CheckRequestText(*CreateUserRequest::descriptor(), wire);
}

TEST(RequestText, PlainAndInternationalTextPasses) {
  EXPECT_TRUE(Check(CreateUser("Zoë Ångström-Łukasiewicz 🧪")).ok());
  EXPECT_TRUE(Check(CreateUser("A. Smith", "line one\r\nline two\tend")).ok());
  EXPECT_TRUE(Check(CreateUser("")).ok());
}

TEST(RequestText, InvalidUtf8IsRefusedNamingTheField) {
  for (const std::string& bad :
       {std::string("Ann\xff"), std::string("\xc3"),  // truncated
        std::string("\xc0\xaf"),                      // overlong '/'
        std::string("\xed\xa0\x80"),                  // a surrogate
        std::string("\xf4\x90\x80\x80")}) {           // above U+10FFFF
    absl::Status status = Check(CreateUser(bad));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(FieldOf(status), "printed_name");
    EXPECT_EQ(ReasonOf(status), kReasonInvalidUtf8);
    EXPECT_NE(status.message().find("not valid UTF-8"), std::string::npos)
        << status;
  }
}

TEST(RequestText, NulIsRefusedEvenInFreeText) {
  absl::Status status = Check(CreateUser("Ann", std::string("why\0not", 7)));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(status), "context.reason");
  EXPECT_EQ(ReasonOf(status), kReasonNulCharacter);
  EXPECT_EQ(status.message(),
            "context.reason: holds a NUL character (U+0000) at character 4");
}

TEST(RequestText, SingleLineFieldRefusesEveryControlCharacter) {
  for (const std::string& bad :
       {std::string("Ann\x1b[2J"), std::string("Ann\r"), std::string("A\nB"),
        std::string("A\tB"), std::string("A\x7f"),
        std::string("A\xc2\x9b"),  // U+009B, the C1 CSI
        std::string("A\xe2\x80\xa8"
                    "B")}) {  // U+2028 LINE SEPARATOR
    absl::Status status = Check(CreateUser(bad));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(FieldOf(status), "printed_name") << bad;
    EXPECT_EQ(ReasonOf(status), kReasonControlCharacter) << bad;
  }
  EXPECT_EQ(Check(CreateUser("Ann\x1b[2J")).message(),
            "printed_name: holds U+001B at character 4; a single-line field "
            "holds no control character or line break");
}

TEST(RequestText, FreeTextTakesTabAndLineBreaksButNoOtherControl) {
  EXPECT_TRUE(Check(CreateUser("Ann", "a\tb\nc\r\nd\xe2\x80\xa8")).ok());
  for (const std::string& bad :
       {std::string("a\x1b]0;x\x07"), std::string("a\x7f"),
        std::string("a\xc2\x85"), std::string("a\x0b")}) {
    absl::Status status = Check(CreateUser("Ann", bad));
    EXPECT_EQ(FieldOf(status), "context.reason") << bad;
    EXPECT_EQ(ReasonOf(status), kReasonControlCharacter) << bad;
  }
}

TEST(RequestText, NoShownTextHoldsABidiControl) {
  // "abc" U+202E "fdp.exe" is shown as "abcexe.pdf": a name or a note that
  // reads otherwise than it is stored.
  const std::string rlo =
      "abc\xe2\x80\xae"
      "fdp.exe";
  absl::Status name = Check(CreateUser(rlo));
  EXPECT_EQ(name.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(name), "printed_name");
  EXPECT_EQ(ReasonOf(name), kReasonBidiControl);
  EXPECT_EQ(name.message(),
            "printed_name: holds U+202E at character 4; a bidirectional "
            "embedding, override or isolate control changes the order in "
            "which the text is shown");
  EXPECT_EQ(ReasonOf(Check(CreateUser("Ann", rlo))), kReasonBidiControl)
      << "free text too";
  for (const std::string& bad :
       {std::string("a\xe2\x80\xaa"), std::string("a\xe2\x80\xad"),
        std::string("a\xe2\x81\xa6"), std::string("a\xe2\x81\xa9")}) {
    EXPECT_EQ(ReasonOf(Check(CreateUser(bad))), kReasonBidiControl) << bad;
  }
  // Right-to-left text needs none: Hebrew and Arabic pass, as do the
  // invisible LRM/RLM marks (U+200E, U+200F), which reorder nothing.
  EXPECT_TRUE(
      Check(CreateUser("\u05E9\u05E8\u05D4 \u0644\u064A\u0644\u0649")).ok());
  EXPECT_TRUE(Check(CreateUser("Ann\xe2\x80\x8f")).ok());
  // A password is never shown.
  CreateUserRequest secret;
  ASSERT_TRUE(secret.ParseFromString(CreateUser("Ann")));
  secret.set_temporary_password(rlo + " 12345");
  EXPECT_TRUE(Check(secret.SerializeAsString()).ok());
}

TEST(RequestText, RepeatedNestedAndMapValuesAreNamedByTheirPath) {
  google::protobuf::Struct request;
  google::protobuf::ListValue* list =
      (*request.mutable_fields())["readings"].mutable_list_value();
  list->add_values()->set_string_value("ok");
  list->add_values()->set_number_value(3);
  list->add_values()->set_string_value("bad\x1b");
  absl::Status status = CheckRequestText(
      *google::protobuf::Struct::descriptor(), request.SerializeAsString());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(status),
            "fields[\"readings\"].list_value.values[2].string_value");

  google::protobuf::Struct bad_key;
  (*bad_key.mutable_fields())["a\nb"].set_string_value("fine");
  status = CheckRequestText(*google::protobuf::Struct::descriptor(),
                            bad_key.SerializeAsString());
  EXPECT_EQ(FieldOf(status), "fields[0].key");
}

TEST(RequestText, MalformedBytesAreInvalidArgument) {
  std::string wire = CreateUser("Ann");
  absl::Status status = Check(wire.substr(0, wire.size() - 3));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(status), "");
  EXPECT_NE(status.message().find("not a well-formed "
                                  "cellchain.identity.v1.CreateUserRequest"),
            std::string::npos)
      << status;
}

TEST(RequestText, UnknownFieldsAndBytesAreNotText) {
  // Field 99 is unknown to CreateUserRequest: protobuf keeps it as bytes.
  std::string wire = CreateUser("Ann") + std::string("\x9a\x06\x02\x1b\xff", 5);
  EXPECT_TRUE(Check(wire).ok());
}

TEST(RequestText, FreeTextIsDecidedByAWordOfTheFieldName) {
  auto field = [](const google::protobuf::Descriptor* type,
                  const std::string& name) {
    return type->FindFieldByName(name);
  };
  const google::protobuf::Descriptor* create = CreateUserRequest::descriptor();
  EXPECT_FALSE(IsFreeText(*field(create, "printed_name")));
  EXPECT_FALSE(IsFreeText(*field(create, "user_id")));
  EXPECT_TRUE(IsFreeText(*field(create, "temporary_password")));
  const google::protobuf::Descriptor* context =
      field(create, "context")->message_type();
  EXPECT_TRUE(IsFreeText(*field(context, "reason")));
  EXPECT_FALSE(IsFreeText(*field(context, "request_id")));
}

}  // namespace
}  // namespace cellchain::grpcx
