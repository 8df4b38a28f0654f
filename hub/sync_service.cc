#include "hub/sync_service.h"

#include <deque>

#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/logging.h"
#include "common/tls.h"

namespace comptoir {

// One node's stream. Lock order: SyncServiceImpl::mu_ before SyncStream::mu_;
// a stream never calls into the service while holding its own lock.
class SyncStream final : public grpc::ServerBidiReactor<v1::NodeMessage, v1::HubMessage> {
 public:
  SyncStream(SyncServiceImpl* service, std::string peer, std::string authenticated_site)
      : service_(service), session_(service->log_, std::move(authenticated_site)),
        peer_(std::move(peer)) {
    service_->Register(this);
    StartRead(&incoming_);
  }

  void OnReadDone(bool ok) override {
    bool appended = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!ok) {
        // The node closed its side or the connection broke.
        EndLocked(grpc::Status::OK);
        return;
      }
      if (incoming_.has_push()) {
        // Appending waits for a synced write: not on gRPC's thread. The next
        // read starts once it is done, so the node's messages stay in order.
        service_->events_received_ += incoming_.push().events_size();
        appending_ = true;
        service_->RunAppend([this] { AppendOffThread(); });
        return;
      }
      const uint64_t head_before = service_->log_->LogHead();
      appended = HandleLocked(session_.OnNodeMessage(incoming_), head_before);
    }
    if (appended) service_->WakeAll();
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
    if (!site_.empty()) LogInfo("sync: ", site_, " disconnected");
    delete this;
  }

  // The log grew: send what the node lacks, if the stream can take a write.
  void Wake() {
    std::lock_guard<std::mutex> lock(mu_);
    PumpLocked();
  }

  // On an append thread, while appending_: this thread alone uses session_.
  void AppendOffThread() {
    const uint64_t head_before = service_->log_->LogHead();
    HubSession::Reply reply = session_.OnNodeMessage(incoming_);
    bool appended = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      appending_ = false;
      appended = HandleLocked(std::move(reply), head_before);
      if (end_deferred_) EndLocked(deferred_status_);
    }
    if (appended) service_->WakeAll();
  }

  // The site, once the Hello is accepted; empty before.
  std::string site() {
    std::lock_guard<std::mutex> lock(mu_);
    return session_.established() && !finished_ ? site_ : std::string();
  }

 private:
  // Queues the session's reply to the message just read, reads the next one
  // (or ends the stream), and sends what can be sent. Returns whether the log
  // grew since `head_before` (then every stream has something to send).
  bool HandleLocked(HubSession::Reply reply, uint64_t head_before)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const bool appended = service_->log_->LogHead() != head_before;
    if (session_.established() && site_.empty()) {
      site_ = session_.site();
      LogInfo("sync: ", site_, " connected from ", peer_);
    }
    if (session_.established()) {
      service_->RecordContact(site_, session_.caught_up_through(), session_.node_own_seq());
    }
    for (v1::HubMessage& message : reply.messages) queue_.push_back(std::move(message));
    if (!reply.end.ok()) {
      LogWarning("sync: ending stream of ", site_.empty() ? peer_ : site_, ": ",
                 reply.end.ToString());
      end_status_ = ToGrpcStatus(reply.end);
      end_requested_ = true;
    } else if (!finished_ && !end_deferred_) {
      StartRead(&incoming_);
    }
    PumpLocked();
    return appended;
  }

  // Starts the next write if none is in flight; finishes once an end was
  // requested and the queue is drained.
  void PumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || write_in_flight_) return;
    if (queue_.empty() && !end_requested_ && !appending_) {
      absl::StatusOr<std::optional<v1::HubMessage>> next = session_.NextPull();
      if (!next.ok()) {
        LogError("sync: cannot read the log for ", site_, ": ", next.status().ToString());
        EndLocked(ToGrpcStatus(next.status()));
        return;
      }
      if (next->has_value()) queue_.push_back(std::move(**next));
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
      if (writing_.has_pull()) service_->events_sent_ += writing_.pull().entries_size();
      StartWrite(&writing_);
      return;
    }
    if (end_requested_) EndLocked(end_status_);
  }

  void EndLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    if (appending_) {
      // Finishing would let gRPC free the stream under the append thread.
      end_deferred_ = true;
      deferred_status_ = status;
      return;
    }
    finished_ = true;
    Finish(status);
  }

  SyncServiceImpl* service_;
  std::mutex mu_;
  // Used under mu_, except by the append thread while appending_ (then no
  // read is outstanding and PumpLocked leaves the session alone).
  HubSession session_;
  bool appending_ ABSL_GUARDED_BY(mu_) = false;
  bool end_deferred_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status deferred_status_ ABSL_GUARDED_BY(mu_);
  const std::string peer_;
  std::string site_ ABSL_GUARDED_BY(mu_);
  v1::NodeMessage incoming_;
  v1::HubMessage writing_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::HubMessage> queue_ ABSL_GUARDED_BY(mu_);
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool end_requested_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status end_status_ ABSL_GUARDED_BY(mu_);
};

// A stream refused before any message (no valid credential).
class RejectedStream final : public grpc::ServerBidiReactor<v1::NodeMessage, v1::HubMessage> {
 public:
  explicit RejectedStream(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

grpc::ServerBidiReactor<v1::NodeMessage, v1::HubMessage>* SyncServiceImpl::Exchange(
    grpc::CallbackServerContext* context) {
  std::string site;
  if (require_client_certificates_) {
    site = PeerCommonName(*context->auth_context());
    if (site.empty()) {
      LogWarning("sync: refused a stream from ", context->peer(), ": no client certificate");
      streams_refused_++;
      return new RejectedStream(grpc::Status(
          grpc::StatusCode::UNAUTHENTICATED,
          "this centre presented no client certificate signed by the network's CA (give the "
          "node --tls-cert and --tls-key)"));
    }
  }
  if (credentials_ != nullptr) {
    std::string token;
    auto header = context->client_metadata().find("authorization");
    if (header != context->client_metadata().end()) {
      const std::string value(header->second.data(), header->second.size());
      if (value.rfind("Bearer ", 0) == 0) token = value.substr(7);
    }
    std::optional<std::string> found = credentials_->SiteForToken(token);
    if (!found.has_value()) {
      LogWarning("sync: refused a stream from ", context->peer(), ": no valid credential");
      streams_refused_++;
      return new RejectedStream(grpc::Status(
          grpc::StatusCode::UNAUTHENTICATED,
          "this centre's credential is missing, unknown or revoked (check the node's "
          "--token-file against the hub's credentials)"));
    }
    if (!site.empty() && *found != site) {
      LogWarning("sync: refused a stream from ", context->peer(), ": token of ", *found,
                 ", certificate of ", site);
      streams_refused_++;
      return new RejectedStream(grpc::Status(
          grpc::StatusCode::PERMISSION_DENIED,
          "this centre's token belongs to site '" + *found + "' but its certificate to site '" +
              site + "'"));
    }
    site = *found;
  }
  streams_accepted_++;
  return new SyncStream(this, context->peer(), site);
}

SyncServiceImpl::~SyncServiceImpl() {
  {
    std::lock_guard<std::mutex> lock(append_mu_);
    stopping_ = true;
  }
  append_wake_.notify_all();
  for (std::thread& thread : append_threads_) thread.join();
}

void SyncServiceImpl::RunAppend(std::function<void()> task) {
  std::lock_guard<std::mutex> lock(append_mu_);
  if (append_threads_.empty()) {
    for (size_t i = 0; i < kAppendThreads; ++i) {
      append_threads_.emplace_back([this] {
        std::unique_lock<std::mutex> lock(append_mu_);
        while (true) {
          append_wake_.wait(lock, [this] { return stopping_ || !append_tasks_.empty(); });
          if (append_tasks_.empty()) return;  // stopping, nothing left
          std::function<void()> next = std::move(append_tasks_.front());
          append_tasks_.pop_front();
          lock.unlock();
          next();
          lock.lock();
        }
      });
    }
  }
  append_tasks_.push_back(std::move(task));
  append_wake_.notify_one();
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
