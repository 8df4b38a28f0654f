// Small helpers to read and write views: protobuf records and signed counters
// in the views column family, through a batch so that several events folded
// in one batch see each other's updates.
#ifndef COMPTOIR_COMMON_VIEW_IO_H_
#define COMPTOIR_COMMON_VIEW_IO_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/store.h"
#include "google/protobuf/message_lite.h"

namespace comptoir {

// The record under `key`, or nullopt. DataLoss if it does not parse.
template <typename Message>
absl::StatusOr<std::optional<Message>> GetRecord(const Store& store, absl::string_view key,
                                                 const Batch* batch = nullptr) {
  absl::StatusOr<std::optional<std::string>> bytes = store.Get(Column::kViews, key, batch);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<Message>();
  Message message;
  if (!message.ParseFromString(**bytes)) {
    return absl::DataLossError(absl::StrCat("corrupt view record (", message.GetTypeName(), ")"));
  }
  return std::optional<Message>(std::move(message));
}

void PutRecord(Batch& batch, absl::string_view key, const google::protobuf::MessageLite& record);

// Adds `delta` to the signed 64-bit counter under `key` (column views unless
// told), returns the new value.
absl::StatusOr<int64_t> AddToCounter(const Store& store, Batch& batch, absl::string_view key,
                                     int64_t delta, Column column = Column::kViews);
absl::StatusOr<int64_t> ReadCounter(const Store& store, absl::string_view key,
                                    const Batch* batch = nullptr, Column column = Column::kViews);

// Calls visit(key, value) for every views key starting with `prefix`.
absl::Status ScanViews(const Store& store, absl::string_view prefix,
                       const std::function<bool(absl::string_view, absl::string_view)>& visit);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_VIEW_IO_H_
