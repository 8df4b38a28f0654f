#include "common/encoded_push.h"

#include "absl/status/status.h"
#include "common/wire_format.h"

namespace comptoir {
namespace {

constexpr char kNodeMessagePushTag = wire::Tag(2, wire::kLengthDelimited);
constexpr char kPushBatchEventsTag = wire::Tag(1, wire::kLengthDelimited);
constexpr char kEventRecordCoreTag = wire::Tag(1, wire::kLengthDelimited);
constexpr char kEventRecordPersonalTag = wire::Tag(2, wire::kLengthDelimited);

// A bytes field as proto3 writes it: nothing when empty.
size_t FieldSize(absl::string_view bytes) {
  return bytes.empty() ? 0 : wire::BytesFieldSize(bytes.size());
}

void AppendField(std::string* out, char tag, absl::string_view bytes) {
  if (bytes.empty()) return;
  out->push_back(tag);
  wire::AppendVarint(out, bytes.size());
  out->append(bytes.data(), bytes.size());
}

}  // namespace

EncodedNodeMessage::EncodedNodeMessage(const v1::NodeMessage& message)
    : body_(message.SerializeAsString()) {}

EncodedNodeMessage EncodedNodeMessage::Push() {
  EncodedNodeMessage message;
  message.push_ = true;
  return message;
}

void EncodedNodeMessage::AddEvent(absl::string_view core, absl::string_view personal) {
  const size_t record_size = FieldSize(core) + FieldSize(personal);
  body_.push_back(kPushBatchEventsTag);
  wire::AppendVarint(&body_, record_size);
  AppendField(&body_, kEventRecordCoreTag, core);
  AppendField(&body_, kEventRecordPersonalTag, personal);
  ++events_;
}

std::string EncodedNodeMessage::head() const {
  std::string head;
  if (!push_) return head;
  head.push_back(kNodeMessagePushTag);
  wire::AppendVarint(&head, body_.size());
  return head;
}

size_t EncodedNodeMessage::ByteSize() const {
  return push_ ? wire::BytesFieldSize(body_.size()) : body_.size();
}

std::string EncodedNodeMessage::Serialize() const { return head() + body_; }

absl::StatusOr<v1::NodeMessage> EncodedNodeMessage::ToMessage() const {
  v1::NodeMessage message;
  if (!message.ParseFromString(Serialize())) {
    return absl::DataLossError("an encoded node message does not parse");
  }
  return message;
}

}  // namespace comptoir
