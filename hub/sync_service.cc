#include "hub/sync_service.h"

#include <chrono>
#include <deque>
#include <optional>
#include <vector>

#include <grpc/slice.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include "absl/time/clock.h"
#include "common/arena_message.h"
#include "common/grpc_status.h"
#include "common/logging.h"
#include "common/thread_name.h"
#include "hub/stream_auth.h"

namespace comptoir {
namespace {

// A HubMessage as gRPC would send it.
grpc::ByteBuffer ToBytes(const v1::HubMessage& message) {
  grpc::ByteBuffer bytes;
  bool own_buffer = false;
  grpc::SerializationTraits<v1::HubMessage>::Serialize(message, &bytes, &own_buffer)
      .IgnoreError();  // fails only on a message over 2 GiB: a hub message is far smaller
  return bytes;
}

// A pull batch, from its wire form, without copying its entries: the
// framing is copied, and each span of entries is a slice of the bytes where
// the log keeps them, holding a reference to their owner until gRPC has sent
// it.
grpc::ByteBuffer ToBytes(const EncodedPull& pull) {
  EncodedPull::Framed framed = pull.Frame();
  std::vector<grpc::Slice> slices;
  slices.reserve(framed.entries.size() + 2);
  slices.emplace_back(framed.head);
  for (EncodedPull::Span& span : framed.entries) {
    auto* owner = new std::shared_ptr<const void>(std::move(span.owner));
    slices.emplace_back(
        grpc_slice_new_with_user_data(
            const_cast<char*>(span.bytes.data()), span.bytes.size(),
            [](void* held) { delete static_cast<std::shared_ptr<const void>*>(held); }, owner),
        grpc::Slice::STEAL_REF);
  }
  if (!framed.tail.empty()) slices.emplace_back(framed.tail);
  return grpc::ByteBuffer(slices.data(), slices.size());
}

}  // namespace

// One node's stream. Lock order: SyncServiceImpl::mu_ before SyncStream::mu_;
// a stream never calls into the service while holding its own lock, except
// for the contact records (their own mutex, taken last).
//
// A push is handed to the log's writer (HubLog::AppendPushedAsync) and the
// next message is read at once, up to kMaxPushBatchesInFlight pushes queued:
// a node's pipelined batches join the same group commit, in order. Replies go
// out in the order of the messages they answer: each message read gets an
// answer slot, a push's slot filled when its append is done.
class SyncStream final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  SyncStream(SyncServiceImpl* service, std::string peer, StreamIdentity identity)
      : service_(service), identity_(std::move(identity)), session_(service->log_, identity_.site),
        sequence_(HubLog::NewPushSequence()), peer_(std::move(peer)) {
    service_->Register(this);
    std::lock_guard<std::mutex> lock(mu_);
    ReadNextLocked();
  }

  void OnReadDone(bool ok) override {
    // Parsed and decoded (hashes, cores) before taking the stream's lock, which
    // the log's finisher needs to answer this stream's earlier pushes. No other
    // read can start meanwhile (reading_ is still set), so incoming_ is ours.
    std::optional<DecodedNodeMessage> decoded;
    if (ok) {
      // On an arena of its own: a push's events refer to it until they are
      // dropped from the hub's memory, and are then freed with it at once.
      std::shared_ptr<v1::NodeMessage> message =
          NewOnArena<v1::NodeMessage>(incoming_.Length());
      if (grpc::SerializationTraits<v1::NodeMessage>::Deserialize(&incoming_, message.get())
              .ok()) {
        decoded = DecodeNodeMessage(std::move(message));
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    reading_ = false;
    if (!ok) {
      // The node closed its side or the connection broke: the stream ends
      // once its pushes are answered and the answers sent (or failed).
      stop_reading_ = true;
      read_closed_ = true;
      PumpLocked();
      return;
    }
    if (!decoded.has_value()) {
      HubSession::Reply refusal;
      refusal.end = absl::InvalidArgumentError(
          "a message of this stream is not a NodeMessage (truncated or not Comptoir's sync "
          "protocol)");
      stop_reading_ = true;
      answers_.push_back(Answer{true, std::move(refusal)});
      FlushAnswersLocked();
      return;
    }
    if (decoded->message->has_push()) {
      service_->events_received_ += decoded->message->push().events_size();
    }
    HubSession::Reply reply =
        session_.OnNodeMessage(*std::move(decoded), HubSession::PushMode::kDeferred);
    if (!reply.end.ok()) stop_reading_ = true;
    if (reply.push.has_value()) {
      answers_.emplace_back();  // filled by OnAppended
      ++pending_pushes_;
      service_->log_->AppendPushedAsync(
          session_.site(), *std::move(reply.push), sequence_,
          [this](absl::StatusOr<PushVerdict> verdict) { OnAppended(std::move(verdict)); });
    } else {
      answers_.push_back(Answer{true, std::move(reply)});
    }
    FlushAnswersLocked();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    write_in_flight_ = false;
    if (!ok) {
      EndLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "write to node failed"));
      return;
    }
    PumpLocked();
  }

  void OnDone() override {
    service_->Unregister(this);
    // The log's finisher thread may have called Finish under mu_: wait until it let go.
    { std::lock_guard<std::mutex> lock(mu_); }
    if (!site_.empty()) LogInfo("sync: ", site_, " disconnected");
    delete this;
  }

  // The log grew: send what the node lacks, if the stream can take a write.
  void Wake() {
    std::lock_guard<std::mutex> lock(mu_);
    PumpLocked();
  }

  // Its credential no longer holds (`status` says so): nothing more is sent,
  // and the stream ends with `status` as soon as its queued pushes are
  // answered by the log (their answers are not sent).
  void EndUnauthorized(const absl::Status& status) {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_ || end_requested_) return;
    LogWarning("sync: ending stream of ", identity_.site, ": ", status.ToString());
    stop_reading_ = true;
    end_requested_ = true;
    end_status_ = ToGrpcStatus(status);
    queue_.clear();
    PumpLocked();
  }

  const StreamIdentity& identity() const { return identity_; }

  // The site, once the Hello is accepted; empty before.
  std::string site() {
    std::lock_guard<std::mutex> lock(mu_);
    return session_.established() && !finished_ ? site_ : std::string();
  }

 private:
  // A reply to one message read, in the order read; a push's is ready once
  // its append is done.
  struct Answer {
    bool ready = false;
    HubSession::Reply reply;
  };

  // On the log's finisher thread: the oldest queued push of this stream is
  // durable (or refused, or failed).
  void OnAppended(absl::StatusOr<PushVerdict> verdict) {
    const bool grew = verdict.ok() && !verdict->append.empty();
    {
      std::lock_guard<std::mutex> lock(mu_);
      --pending_pushes_;
      HubSession::Reply reply = session_.OnPushAppended(verdict);
      if (!reply.end.ok()) stop_reading_ = true;
      for (Answer& answer : answers_) {
        if (!answer.ready) {
          answer = Answer{true, std::move(reply)};
          break;
        }
      }
      FlushAnswersLocked();
      // Before Finish can free the stream and let the server (then the
      // service) shut down.
      if (grew) service_->LogGrew();
      if (pending_pushes_ == 0 && end_deferred_) EndLocked(deferred_status_);
    }
    // The stream may be gone from here on.
  }

  // Queues the ready answers at the front, in order, then reads the next
  // message if the stream may, and sends what can be sent.
  void FlushAnswersLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    while (!answers_.empty() && answers_.front().ready) {
      HubSession::Reply reply = std::move(answers_.front().reply);
      answers_.pop_front();
      if (end_requested_) continue;  // nothing is sent after the message that ends the stream
      if (session_.established() && site_.empty()) {
        site_ = session_.site();
        LogInfo("sync: ", site_, " connected from ", peer_);
      }
      if (session_.established()) {
        service_->RecordContact(site_, session_.caught_up_through(), session_.node_own_seq());
      }
      for (const v1::HubMessage& message : reply.messages) queue_.push_back(ToBytes(message));
      if (!reply.end.ok()) {
        LogWarning("sync: ending stream of ", site_.empty() ? peer_ : site_, ": ",
                   reply.end.ToString());
        end_status_ = ToGrpcStatus(reply.end);
        end_requested_ = true;
      }
    }
    ReadNextLocked();
    PumpLocked();
  }

  // Starts the next read unless one is outstanding, the stream is ending, or
  // the node already has the most pushes queued that the protocol allows.
  void ReadNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (reading_ || stop_reading_ || finished_ || end_deferred_ ||
        pending_pushes_ >= kMaxPushBatchesInFlight) {
      return;
    }
    reading_ = true;
    StartRead(&incoming_);
  }

  // Starts the next write if none is in flight; finishes once an end was
  // requested (or the node closed its side) and every push is answered and
  // every answer sent.
  void PumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || write_in_flight_ || end_deferred_) return;
    if (queue_.empty() && !end_requested_ && !read_closed_) {
      absl::StatusOr<std::optional<EncodedPull>> next = session_.NextPull();
      if (!next.ok()) {
        LogError("sync: cannot read the log for ", site_, ": ", next.status().ToString());
        EndLocked(ToGrpcStatus(next.status()));
        return;
      }
      if (next->has_value()) {
        service_->events_sent_ += (*next)->entries_size();
        queue_.push_back(ToBytes(**next));
      }
      // NextPull may have skipped entries the node does not get (its own), or
      // found nothing left to send once every batch is acknowledged: either
      // moves how far the node is caught up. Recorded here, after every pull
      // decision, not only when the log grows: a decision deferred by a write
      // in flight is taken in OnWriteDone, and health must see it.
      if (session_.established()) {
        service_->RecordCaughtUp(site_, session_.caught_up_through());
      }
    }
    if (!queue_.empty()) {
      writing_ = std::move(queue_.front());
      queue_.pop_front();
      write_in_flight_ = true;
      StartWrite(&writing_);
      return;
    }
    if ((end_requested_ || read_closed_) && pending_pushes_ == 0) {
      EndLocked(end_requested_ ? end_status_ : grpc::Status::OK);
    }
  }

  // Finishes the stream now (a failure), or once no push is queued.
  void EndLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    if (pending_pushes_ > 0) {
      // Finishing would let gRPC free the stream while the log still
      // holds a push of it (and will call OnAppended). Nothing more is sent.
      if (!end_deferred_) {
        end_deferred_ = true;
        deferred_status_ = status;
      }
      return;
    }
    finished_ = true;
    Finish(status);
  }

  SyncServiceImpl* service_;
  const StreamIdentity identity_;
  std::mutex mu_;
  HubSession session_ ABSL_GUARDED_BY(mu_);
  // This stream's pushes, appended in order; none after a refusal.
  const std::shared_ptr<HubLog::PushSequence> sequence_;
  std::deque<Answer> answers_ ABSL_GUARDED_BY(mu_);
  size_t pending_pushes_ ABSL_GUARDED_BY(mu_) = 0;  // handed to the log, not yet answered
  bool reading_ ABSL_GUARDED_BY(mu_) = false;       // a read is outstanding
  bool stop_reading_ ABSL_GUARDED_BY(mu_) = false;  // the node closed, or a reply ends the stream
  bool read_closed_ ABSL_GUARDED_BY(mu_) = false;   // the node closed its side (or the call broke)
  bool end_deferred_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status deferred_status_ ABSL_GUARDED_BY(mu_);
  const std::string peer_;
  std::string site_ ABSL_GUARDED_BY(mu_);
  // The read buffer, and the message parsed from it (kept: parsing reuses its
  // memory): used only by the outstanding read and OnReadDone.
  grpc::ByteBuffer incoming_;
  grpc::ByteBuffer writing_ ABSL_GUARDED_BY(mu_);
  std::deque<grpc::ByteBuffer> queue_ ABSL_GUARDED_BY(mu_);  // HubMessages
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool end_requested_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status end_status_ ABSL_GUARDED_BY(mu_);
};

// A stream refused before any message (no valid credential).
class RejectedStream final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit RejectedStream(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* SyncServiceImpl::Exchange(
    grpc::CallbackServerContext* context) {
  absl::StatusOr<StreamIdentity> identity =
      AuthenticateStream(*context, credentials_, require_client_certificates_);
  if (!identity.ok()) {
    streams_refused_++;
    return new RejectedStream(ToGrpcStatus(identity.status()));
  }
  streams_accepted_++;
  return new SyncStream(this, context->peer(), *std::move(identity));
}

SyncServiceImpl::SyncServiceImpl(HubLog* log, CredentialStore* credentials)
    : log_(log), credentials_(credentials), waker_([this] { WakerLoop(); }) {}

SyncServiceImpl::~SyncServiceImpl() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stopping_ = true;
  }
  wake_cv_.notify_one();
  waker_.join();
}

void SyncServiceImpl::LogGrew() {
  // Cheap when the waker already knows: every push of a group calls this.
  if (log_->LogHead() <= woken_head_.load()) return;
  // Under the waker's lock, so that the wake cannot fall between its check
  // and its wait.
  { std::lock_guard<std::mutex> lock(wake_mu_); }
  wake_cv_.notify_one();
}

void SyncServiceImpl::WakerLoop() {
  NameThisThread("hub-waker");
  auto next_check = std::chrono::steady_clock::now() + kCredentialCheckInterval;
  std::unique_lock<std::mutex> lock(wake_mu_);
  while (true) {
    auto woken = [this] { return stopping_ || log_->LogHead() > woken_head_.load(); };
    if (credentials_ == nullptr) {
      wake_cv_.wait(lock, woken);
    } else {
      wake_cv_.wait_until(lock, next_check, woken);
    }
    if (stopping_) return;
    lock.unlock();
    WakeAll();  // nothing to do when only the check's time came
    if (credentials_ != nullptr && std::chrono::steady_clock::now() >= next_check) {
      EndUnauthorizedStreams();
      next_check = std::chrono::steady_clock::now() + kCredentialCheckInterval;
    }
    lock.lock();
  }
}

void SyncServiceImpl::EndUnauthorizedStreams() {
  credentials_->Refresh();  // one stat() of the file unless it changed
  std::lock_guard<std::mutex> lock(mu_);
  for (SyncStream* stream : streams_) {
    absl::Status authorized = CheckStillAuthorized(stream->identity(), credentials_);
    if (!authorized.ok()) stream->EndUnauthorized(authorized);
  }
}

SyncServiceImpl::Traffic SyncServiceImpl::traffic() const {
  Traffic traffic;
  traffic.streams_accepted = streams_accepted_.load();
  traffic.streams_refused = streams_refused_.load();
  traffic.events_received = events_received_.load();
  traffic.events_sent = events_sent_.load();
  return traffic;
}

void SyncServiceImpl::Register(SyncStream* stream) {
  std::lock_guard<std::mutex> lock(mu_);
  streams_.insert(stream);
}

void SyncServiceImpl::Unregister(SyncStream* stream) {
  std::lock_guard<std::mutex> lock(mu_);
  streams_.erase(stream);
}

void SyncServiceImpl::WakeAll() {
  // Every append of a group calls this once its group is written: the first
  // call that sees the new head wakes every stream (each then reads up to the
  // head of that moment, at least this one); the others have nothing to add.
  const uint64_t head = log_->LogHead();
  uint64_t woken = woken_head_.load();
  do {
    if (woken >= head) return;
  } while (!woken_head_.compare_exchange_weak(woken, head));
  std::lock_guard<std::mutex> lock(mu_);
  for (SyncStream* stream : streams_) stream->Wake();
}

void SyncServiceImpl::RecordContact(const std::string& site, uint64_t node_cursor,
                                    uint64_t node_own_seq) {
  std::lock_guard<std::mutex> lock(contacts_mu_);
  Contact& contact = contacts_[site];
  contact.last_contact_unix_ms = absl::ToUnixMillis(absl::Now());
  contact.node_cursor = node_cursor;
  contact.node_own_seq = node_own_seq;
}

void SyncServiceImpl::RecordCaughtUp(const std::string& site, uint64_t node_cursor) {
  std::lock_guard<std::mutex> lock(contacts_mu_);
  contacts_[site].node_cursor = node_cursor;
}

std::map<std::string, SyncServiceImpl::Contact> SyncServiceImpl::Contacts() {
  std::lock_guard<std::mutex> lock(contacts_mu_);
  return contacts_;
}

std::vector<std::string> SyncServiceImpl::ConnectedSites() {
  std::set<std::string> sites;
  std::lock_guard<std::mutex> lock(mu_);
  for (SyncStream* stream : streams_) {
    std::string site = stream->site();
    if (!site.empty()) sites.insert(std::move(site));
  }
  return std::vector<std::string>(sites.begin(), sites.end());
}

}  // namespace comptoir
