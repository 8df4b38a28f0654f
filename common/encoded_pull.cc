#include "common/encoded_pull.h"

#include <cstring>

#include "absl/status/status.h"
#include "common/wire_format.h"

namespace comptoir {
namespace {

using wire::AppendVarint;
using wire::VarintSize;
using wire::WriteVarint;

// Wire tags of the fields written here.
constexpr char kPullBatchEntriesTag = wire::Tag(1, wire::kLengthDelimited);  // PullBatch.entries
constexpr char kPullBatchThroughTag = wire::Tag(2, wire::kVarint);           // PullBatch.through
constexpr char kPullBatchLogHeadTag = wire::Tag(3, wire::kVarint);           // PullBatch.log_head
constexpr char kHubMessagePullTag = wire::Tag(3, wire::kLengthDelimited);    // HubMessage.pull

// A varint field's size (proto3: zero is not written).
size_t VarintFieldSize(uint64_t value) { return value == 0 ? 0 : 1 + VarintSize(value); }

char* WriteVarintField(char tag, uint64_t value, char* out) {
  if (value == 0) return out;
  *out++ = tag;
  return WriteVarint(value, out);
}

}  // namespace

void AppendLogEntry(std::string* out, const v1::LogEntry& entry) {
  out->push_back(kPullBatchEntriesTag);
  AppendVarint(out, entry.ByteSizeLong());
  entry.AppendToString(out);
}

std::string EncodeLogEntry(const v1::LogEntry& entry) {
  std::string out;
  AppendLogEntry(&out, entry);
  return out;
}

void EncodedPull::AddShared(const std::shared_ptr<const void>& owner,
                            absl::string_view encoded_entry) {
  ++entries_;
  entry_bytes_ += encoded_entry.size();
  if (owners_.empty() || owners_.back() != owner) owners_.push_back(owner);
  if (!pieces_.empty()) {
    Piece& last = pieces_.back();
    if (last.shared != nullptr && last.owner == owners_.size() - 1 &&
        last.shared + last.size == encoded_entry.data()) {
      last.size += encoded_entry.size();  // follows it in the owner's memory
      return;
    }
  }
  pieces_.push_back(Piece{encoded_entry.data(), 0, encoded_entry.size(), owners_.size() - 1});
}

void EncodedPull::Add(const v1::LogEntry& entry) {
  if (own_ == nullptr) own_ = std::make_shared<std::string>();
  std::string& own = *own_;
  const size_t offset = own.size();
  AppendLogEntry(&own, entry);
  ++entries_;
  entry_bytes_ += own.size() - offset;
  if (!pieces_.empty() && pieces_.back().shared == nullptr) {
    pieces_.back().size += own.size() - offset;  // own bytes follow each other
    return;
  }
  pieces_.push_back(Piece{nullptr, offset, own.size() - offset, 0});
}

absl::string_view EncodedPull::BytesOf(const Piece& piece) const {
  if (piece.shared != nullptr) return absl::string_view(piece.shared, piece.size);
  return absl::string_view(*own_).substr(piece.own_offset, piece.size);
}

size_t EncodedPull::PullBatchSize() const {
  return entry_bytes_ + VarintFieldSize(through_) + VarintFieldSize(log_head_);
}

size_t EncodedPull::ByteSize() const {
  return wire::BytesFieldSize(PullBatchSize());
}

EncodedPull::Framed EncodedPull::Frame() const {
  Framed framed;
  char buffer[32];
  char* end = buffer;
  *end++ = kHubMessagePullTag;
  end = WriteVarint(PullBatchSize(), end);
  framed.head.assign(buffer, end - buffer);
  framed.entries.reserve(pieces_.size());
  for (const Piece& piece : pieces_) {
    framed.entries.push_back(
        Span{BytesOf(piece), piece.shared != nullptr
                                 ? owners_[piece.owner]
                                 : std::shared_ptr<const void>(own_)});
  }
  end = WriteVarintField(kPullBatchThroughTag, through_, buffer);
  end = WriteVarintField(kPullBatchLogHeadTag, log_head_, end);
  framed.tail.assign(buffer, end - buffer);
  return framed;
}

void EncodedPull::WriteTo(char* out) const {
  *out++ = kHubMessagePullTag;
  out = WriteVarint(PullBatchSize(), out);
  for (const Piece& piece : pieces_) {
    const absl::string_view bytes = BytesOf(piece);
    std::memcpy(out, bytes.data(), bytes.size());
    out += bytes.size();
  }
  out = WriteVarintField(kPullBatchThroughTag, through_, out);
  WriteVarintField(kPullBatchLogHeadTag, log_head_, out);
}

std::string EncodedPull::Serialize() const {
  std::string bytes(ByteSize(), '\0');
  WriteTo(bytes.data());
  return bytes;
}

absl::StatusOr<v1::HubMessage> EncodedPull::ToMessage() const {
  v1::HubMessage message;
  if (!message.ParseFromString(Serialize())) {
    return absl::DataLossError("an encoded pull batch does not parse as a HubMessage");
  }
  return message;
}

absl::StatusOr<v1::PullBatch> EncodedPull::ToBatch() const {
  absl::StatusOr<v1::HubMessage> message = ToMessage();
  if (!message.ok()) return message.status();
  return std::move(*message->mutable_pull());
}

}  // namespace comptoir
