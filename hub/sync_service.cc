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
      if (incoming_.has_push()) service_->events_received_ += incoming_.push().events_size();
      const bool was_established = session_.established();
      const uint64_t head_before = service_->log_->LogHead();
      HubSession::Reply reply = session_.OnNodeMessage(incoming_);
      appended = service_->log_->LogHead() != head_before;
      if (!was_established && session_.established()) {
        site_ = session_.site();
        LogInfo("sync: ", site_, " connected from ", peer_);
      }
      for (v1::HubMessage& message : reply.messages) queue_.push_back(std::move(message));
      if (!reply.end.ok()) {
        LogWarning("sync: ending stream of ", site_.empty() ? peer_ : site_, ": ",
                   reply.end.ToString());
        end_status_ = ToGrpcStatus(reply.end);
        end_requested_ = true;
      } else {
        StartRead(&incoming_);
      }
      PumpLocked();
      if (session_.established()) {
        service_->RecordContact(site_, session_.caught_up_through(), session_.node_own_seq());
      }
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
    // Pumping may have skipped entries the node does not get (its own).
    if (session_.established() && !finished_) {
      service_->RecordCaughtUp(site_, session_.caught_up_through());
    }
  }

  // The site, once the Hello is accepted; empty before.
  std::string site() {
    std::lock_guard<std::mutex> lock(mu_);
    return session_.established() && !finished_ ? site_ : std::string();
  }

 private:
  // Starts the next write if none is in flight; finishes once an end was
  // requested and the queue is drained.
  void PumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || write_in_flight_) return;
    if (queue_.empty() && !end_requested_) {
      absl::StatusOr<std::optional<v1::HubMessage>> next = session_.NextPull();
      if (!next.ok()) {
        LogError("sync: cannot read the log for ", site_, ": ", next.status().ToString());
        EndLocked(ToGrpcStatus(next.status()));
        return;
      }
      if (next->has_value()) queue_.push_back(std::move(**next));
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
    finished_ = true;
    Finish(status);
  }

  SyncServiceImpl* service_;
  std::mutex mu_;
  HubSession session_ ABSL_GUARDED_BY(mu_);
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
