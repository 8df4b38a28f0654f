#include "common/view_io.h"

#include "common/keys.h"
#include "common/saturating.h"
#include "common/status_macros.h"

namespace comptoir {

void PutRecord(Batch& batch, absl::string_view key, const google::protobuf::MessageLite& record) {
  batch.Put(Column::kViews, key, record.SerializeAsString());
}

absl::StatusOr<int64_t> ReadCounter(const Store& store, absl::string_view key, const Batch* batch,
                                    Column column) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, store.Get(column, key, batch));
  if (!value.has_value()) return 0;
  return static_cast<int64_t>(ReadBigEndian64(*value).value_or(0));
}

absl::StatusOr<int64_t> AddToCounter(const Store& store, Batch& batch, absl::string_view key,
                                     int64_t delta, Column column) {
  ASSIGN_OR_RETURN(int64_t current, ReadCounter(store, key, &batch, column));
  const int64_t next = SaturatingAdd(current, delta);
  std::string value;
  AppendBigEndian64(&value, static_cast<uint64_t>(next));
  batch.Put(column, key, value);
  return next;
}

absl::Status ScanViews(const Store& store, absl::string_view prefix,
                       const std::function<bool(absl::string_view, absl::string_view)>& visit) {
  return store.Scan(Column::kViews, prefix, PrefixEnd(prefix), visit);
}

}  // namespace comptoir
