#include "services/common/pg/proto_row.h"

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace cellchain::pg {

std::string MicrosColumn(std::string_view column, std::string_view as) {
  std::string_view name = as.empty() ? column : as;
  return absl::StrCat("(extract(epoch FROM ", std::string(column),
                      ") * 1000000)::int8 AS ", std::string(name));
}

absl::Status FillFromRow(const Result& result, int row,
                         google::protobuf::Message& message) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  const google::protobuf::Reflection* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated()) continue;
    absl::StatusOr<int> column = result.ColumnIndex(field->name());
    if (!column.ok() || result.IsNull(row, *column)) continue;
    auto bad = [&](const absl::Status& status) {
      return absl::InternalError(absl::StrCat("column ", field->name(), " as ",
                                              descriptor->full_name(), ": ",
                                              std::string(status.message())));
    };
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        absl::StatusOr<std::string> v = result.GetString(row, *column);
        if (!v.ok()) return bad(v.status());
        reflection->SetString(&message, field, *std::move(v));
        break;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        absl::StatusOr<bool> v = result.GetBool(row, *column);
        if (!v.ok()) return bad(v.status());
        reflection->SetBool(&message, field, *v);
        break;
      }
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64:
      case FieldDescriptor::CPPTYPE_ENUM: {
        absl::StatusOr<int64_t> v = result.GetInt64(row, *column);
        if (!v.ok()) return bad(v.status());
        switch (field->cpp_type()) {
          case FieldDescriptor::CPPTYPE_INT32:
            reflection->SetInt32(&message, field, static_cast<int32_t>(*v));
            break;
          case FieldDescriptor::CPPTYPE_INT64:
            reflection->SetInt64(&message, field, *v);
            break;
          case FieldDescriptor::CPPTYPE_UINT32:
            reflection->SetUInt32(&message, field, static_cast<uint32_t>(*v));
            break;
          case FieldDescriptor::CPPTYPE_UINT64:
            reflection->SetUInt64(&message, field, static_cast<uint64_t>(*v));
            break;
          default:
            if (field->enum_type()->FindValueByNumber(
                    static_cast<int>(*v)) == nullptr) {
              return bad(absl::InvalidArgumentError(
                  absl::StrCat("no enum value ", *v)));
            }
            reflection->SetEnumValue(&message, field, static_cast<int>(*v));
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT: {
        absl::StatusOr<double> v = result.GetDouble(row, *column);
        if (!v.ok()) return bad(v.status());
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
          reflection->SetDouble(&message, field, *v);
        } else {
          reflection->SetFloat(&message, field, static_cast<float>(*v));
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        if (field->message_type()->full_name() !=
            google::protobuf::Timestamp::descriptor()->full_name()) {
          break;
        }
        absl::StatusOr<int64_t> micros = result.GetInt64(row, *column);
        if (!micros.ok()) return bad(micros.status());
        reflection->MutableMessage(&message, field)
            ->CopyFrom(google::protobuf::util::TimeUtil::
                           MicrosecondsToTimestamp(*micros));
        break;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace cellchain::pg
