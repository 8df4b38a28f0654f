#include "node/request_ids.h"

#include <memory>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/str_cat.h"
#include "common/keys.h"
#include "common/sha256.h"
#include "common/status_macros.h"

namespace comptoir {

std::string RequestDigest(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const google::protobuf::FieldDescriptor* key =
      copy->GetDescriptor()->FindFieldByName("request_id");
  if (key != nullptr) copy->GetReflection()->ClearField(copy.get(), key);
  std::string bytes = absl::StrCat(copy->GetDescriptor()->full_name(), absl::string_view("\0", 1));
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  return Sha256(bytes);
}

absl::StatusOr<std::optional<EarlierRequest>> FindEarlierRequest(const Store& store,
                                                                 absl::string_view scoped_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> result,
                   store.Get(Column::kViews, RequestKey(scoped_id)));
  if (!result.has_value()) return std::optional<EarlierRequest>();
  ASSIGN_OR_RETURN(std::optional<std::string> digest,
                   store.Get(Column::kViews, RequestDigestKey(scoped_id)));
  return std::optional<EarlierRequest>(EarlierRequest{*std::move(result), std::move(digest)});
}

void RememberRequest(Batch& batch, absl::string_view scoped_id, absl::string_view result,
                     const google::protobuf::Message& request) {
  batch.Put(Column::kViews, RequestKey(scoped_id), result);
  batch.Put(Column::kViews, RequestDigestKey(scoped_id), RequestDigest(request));
}

}  // namespace comptoir
