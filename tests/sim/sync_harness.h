// A wire without IO between a NodeSession and a HubSession over real stores:
// messages wait in two FIFO queues (one per direction, like one HTTP/2 stream)
// until the test delivers them, so a test decides every interleaving.
#ifndef COMPTOIR_TESTS_SIM_SYNC_HARNESS_H_
#define COMPTOIR_TESTS_SIM_SYNC_HARNESS_H_

#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "common/arena_message.h"
#include "common/sync_protocol.h"
#include "hub/hub_log.h"
#include "node/node_store.h"

namespace comptoir::testing {

class SyncWire {
 public:
  SyncWire(NodeStore* node, HubLog* hub) : node_session_(node), hub_session_(hub) {
    auto hello = node_session_.Start();
    if (hello.ok()) up_.push_back(*hello);
    else node_error_ = hello.status();
  }

  bool closed() const { return !node_error_.ok() || !hub_end_.ok(); }
  const absl::Status& node_error() const { return node_error_; }
  const absl::Status& hub_end() const { return hub_end_; }
  std::deque<v1::NodeMessage>& up() { return up_; }
  std::deque<v1::HubMessage>& down() { return down_; }
  NodeSession& node_session() { return node_session_; }
  HubSession& hub_session() { return hub_session_; }

  // The node recorded new events.
  void LocalAppend() {
    if (closed()) return;
    Send(node_session_.OnLocalAppend());
  }

  // Delivers the oldest node -> hub message; false if none.
  bool DeliverUp() {
    if (up_.empty() || closed()) return false;
    v1::NodeMessage message = std::move(up_.front());
    up_.pop_front();
    HubSession::Reply reply = hub_session_.OnNodeMessage(message);
    for (auto& m : reply.messages) down_.push_back(std::move(m));
    if (!reply.end.ok()) hub_end_ = reply.end;
    return true;
  }

  // Delivers the oldest hub -> node message; false if none.
  bool DeliverDown() {
    if (closed()) return false;
    if (down_.empty()) FillPulls();
    if (down_.empty()) return false;
    v1::HubMessage message = std::move(down_.front());
    down_.pop_front();
    Send(node_session_.OnHubMessage(message));
    return true;
  }

  // Delivers every queued hub -> node message at once, as the node's client
  // does with what arrived while it was busy (consecutive pull batches are
  // applied together); false if none.
  bool DeliverDownTogether() {
    if (closed()) return false;
    if (down_.empty()) FillPulls();
    if (down_.empty()) return false;
    // Each on an arena of its own, as the sync client reads them.
    std::vector<std::shared_ptr<const v1::HubMessage>> messages;
    for (const v1::HubMessage& message : down_) messages.push_back(CopyOnArena(message));
    down_.clear();
    Send(node_session_.OnHubMessages(messages));
    return true;
  }

  // The hub's transport can take writes: queue the pulls its window allows.
  void FillPulls() {
    if (closed()) return;
    while (true) {
      auto next = hub_session_.NextPull();
      if (!next.ok()) { hub_end_ = next.status(); return; }
      if (!next->has_value()) return;
      absl::StatusOr<v1::HubMessage> sent = (*next)->ToMessage();
      if (!sent.ok()) { hub_end_ = sent.status(); return; }
      down_.push_back(*std::move(sent));
    }
  }

  // Delivers everything both ways until nothing moves.
  void Pump() {
    while (DeliverUp() || DeliverDown()) {}
  }

 private:
  // Queues what the node sends, as the hub parses its bytes (the node frames
  // pushes itself: a malformed frame fails here).
  void Send(absl::StatusOr<std::vector<EncodedNodeMessage>> out) {
    if (!out.ok()) {
      node_error_ = out.status();
      return;
    }
    for (const EncodedNodeMessage& encoded : *out) {
      absl::StatusOr<v1::NodeMessage> message = encoded.ToMessage();
      if (!message.ok()) {
        node_error_ = message.status();
        return;
      }
      up_.push_back(*std::move(message));
    }
  }

  NodeSession node_session_;
  HubSession hub_session_;
  std::deque<v1::NodeMessage> up_;
  std::deque<v1::HubMessage> down_;
  absl::Status node_error_;
  absl::Status hub_end_;
};

// A centre whose disk was lost, re-provisioned as `site` in `dir` and
// recovered from `hub` (its own history pulled back, till open again); an
// error if it cannot open or is still recovering after the pump.
inline absl::StatusOr<std::unique_ptr<NodeStore>> RecoverFromHub(
    const std::string& site, const std::string& dir, HybridClock::PhysicalClock clock, HubLog* hub) {
  NodeStore::Options options;
  options.site = site;
  options.dir = dir;
  options.clock = std::move(clock);
  options.recover_from_hub = true;
  absl::StatusOr<std::unique_ptr<NodeStore>> node = NodeStore::Open(options);
  if (!node.ok()) return node.status();
  SyncWire(node->get(), hub).Pump();
  if ((*node)->Recovering()) return absl::FailedPreconditionError(site + " is still recovering");
  return node;
}

}  // namespace comptoir::testing

#endif  // COMPTOIR_TESTS_SIM_SYNC_HARNESS_H_
