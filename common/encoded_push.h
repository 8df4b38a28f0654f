// A node's message in its wire form: the bytes of the NodeMessage, as the
// node sends it. A push batch is framed straight from the stored event bytes
// (EventLog::VisitRange): no record is built, copied, serialised and freed
// per event, as the hub does for pulls (common/encoded_pull.h). Other
// messages (Hello, PullAck) are serialised. The hub parses the bytes as the
// NodeMessage they are; ToMessage() does the same for simulations and tests.
//
//   EncodedNodeMessage push = EncodedNodeMessage::Push();
//   push.AddEvent(core, personal);    // an EventRecord's two fields
//   std::string bytes = push.Serialize();  // or head(), then body()
//
// Thread-safety: used by one thread at a time.
#ifndef COMPTOIR_COMMON_ENCODED_PUSH_H_
#define COMPTOIR_COMMON_ENCODED_PUSH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "comptoir/v1/sync.pb.h"

namespace comptoir {

class EncodedNodeMessage {
 public:
  // `message`, serialised.
  explicit EncodedNodeMessage(const v1::NodeMessage& message);
  // A push batch without events yet.
  static EncodedNodeMessage Push();

  // Appends an event to a push: its record's core and personal part (empty:
  // none), as stored.
  void AddEvent(absl::string_view core, absl::string_view personal);
  bool is_push() const { return push_; }
  int push_events() const { return events_; }

  // The message's bytes are head() followed by body(), so that a transport
  // can send the body without copying it: for a push, the head is the `push`
  // field's tag and length, and the body the batch's events.
  std::string head() const;
  const std::string& body() const { return body_; }
  // Moves the body out (the message is then only good for destruction).
  std::string TakeBody() { return std::move(body_); }
  size_t ByteSize() const;
  std::string Serialize() const;
  // The NodeMessage these bytes are (DataLoss if they do not parse).
  absl::StatusOr<v1::NodeMessage> ToMessage() const;

 private:
  EncodedNodeMessage() = default;

  bool push_ = false;
  int events_ = 0;
  std::string body_;
};

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_ENCODED_PUSH_H_
