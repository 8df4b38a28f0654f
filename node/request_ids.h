// Idempotency keys of the till's commands (`request_id`): a command retried
// with its key is answered as the first time and records nothing new; the
// same key sent with a different command is refused (ALREADY_EXISTS), never
// taken for a retry.
//
// Each key keeps two values in the views column (common/keys.h):
//   RequestKey(scoped_id)        -> what the command made: be64(seq) of a sale,
//                                   the family id of a registration
//   RequestDigestKey(scoped_id)  -> RequestDigest(request), 32 bytes
// where scoped_id is the request_id of a sale, "family:" request_id of a
// registration. The digest is missing for keys written before it was kept and
// for sale keys rebuilt from events when a centre recovers its history
// (node/own_indexes.cc): an event does not carry its request, so the caller
// then compares what the event recorded instead.
//
// Functions only; they read a Store and stage into a Batch (one thread each).
#ifndef COMPTOIR_NODE_REQUEST_IDS_H_
#define COMPTOIR_NODE_REQUEST_IDS_H_

#include <optional>
#include <string>

#include <google/protobuf/message.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/store.h"

namespace comptoir {

// SHA-256 of the message type's full name, 0x00, and the message's
// deterministic serialization with its `request_id` field cleared: equal for
// the same command with the same content, whatever the key.
std::string RequestDigest(const google::protobuf::Message& request);

struct EarlierRequest {
  std::string result;                 // the RequestKey value
  std::optional<std::string> digest;  // nullopt: not kept (see above)
};

// What an earlier command with this key left; nullopt when the key is unused.
absl::StatusOr<std::optional<EarlierRequest>> FindEarlierRequest(const Store& store,
                                                                 absl::string_view scoped_id);

// Stages the key with its `result` and the digest of `request`.
void RememberRequest(Batch& batch, absl::string_view scoped_id, absl::string_view result,
                     const google::protobuf::Message& request);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_REQUEST_IDS_H_
