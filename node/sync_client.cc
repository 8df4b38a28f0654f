#include "node/sync_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <optional>
#include <random>

#include "absl/time/clock.h"
#include "common/arena_message.h"
#include "common/grpc_status.h"
#include "common/logging.h"
#include "common/thread_name.h"

namespace comptoir {
namespace {

// The full name of Sync.Exchange (proto/comptoir/v1/sync.proto).
constexpr char kExchangeMethod[] = "/comptoir.v1.Sync/Exchange";

// `message`'s bytes, its body handed to gRPC without a copy.
grpc::ByteBuffer ToBytes(EncodedNodeMessage message) {
  const std::string head = message.head();
  auto* body = new std::string(message.TakeBody());
  grpc::Slice slices[2] = {
      grpc::Slice(head),
      grpc::Slice(body->data(), body->size(),
                  [](void* held) { delete static_cast<std::string*>(held); }, body)};
  return head.empty() ? grpc::ByteBuffer(&slices[1], 1) : grpc::ByteBuffer(slices, 2);
}

}  // namespace

SyncClient::SyncClient(NodeStore* store, Options options)
    : store_(store), options_(std::move(options)) {
  state_.offline_since_unix_ms = absl::ToUnixMillis(absl::Now());
  grpc::ChannelArguments args;
  // gRPC's own reconnection backoff must not outlast ours, or a hub that comes
  // back would stay unreachable for up to two minutes.
  const int max_backoff_ms = static_cast<int>(absl::ToInt64Milliseconds(options_.max_backoff));
  const int initial_ms = static_cast<int>(absl::ToInt64Milliseconds(options_.initial_backoff));
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, initial_ms);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, initial_ms);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, max_backoff_ms);
  ForEachKeepaliveArgument(options_.keepalive_seconds, /*server=*/false,
                           [&](const char* name, int value) { args.SetInt(name, value); });
  args.SetMaxReceiveMessageSize(16 << 20);
  if (!options_.tls_server_name.empty()) {
    args.SetSslTargetNameOverride(options_.tls_server_name);
  }
  channel_ = grpc::CreateCustomChannel(
      options_.hub_address,
      options_.credentials != nullptr ? options_.credentials : grpc::InsecureChannelCredentials(),
      args);
  exchange_ = std::make_unique<grpc::internal::RpcMethod>(
      kExchangeMethod, grpc::internal::RpcMethod::BIDI_STREAMING, channel_);
}

SyncClient::~SyncClient() { Stop(); }

void SyncClient::Start() {
  thread_ = std::thread([this] { Run(); });
}

void SyncClient::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SyncClient::NotifyLocalAppend() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    local_append_ = true;
  }
  cv_.notify_all();
}

SyncClient::State SyncClient::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

absl::Duration SyncClient::NextBackoff(int attempt) {
  // Full exponential growth, capped, with jitter in [cap/2, cap] so that six
  // centres coming back after a hub outage do not reconnect in lockstep.
  absl::Duration cap = options_.initial_backoff;
  for (int i = 0; i < attempt && cap < options_.max_backoff; ++i) cap *= 2;
  cap = std::min(cap, options_.max_backoff);
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return cap * jitter(random);
}

void SyncClient::Run() {
  NameThisThread("node-sync");
  int attempt = 0;
  std::string last_logged;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    absl::Status status = RunStream();
    bool was_welcomed = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      was_welcomed = state_.connected;
      state_.connected = false;
      if (was_welcomed) state_.offline_since_unix_ms = absl::ToUnixMillis(absl::Now());
      if (stopping_) return;
      state_.last_error = status.ok() ? "" : status.ToString();
    }
    if (was_welcomed) {
      attempt = 0;
      LogWarning("sync: stream to hub ", options_.hub_address, " ended: ", status.ToString());
    } else if (status.code() == absl::StatusCode::kUnavailable ||
               status.code() == absl::StatusCode::kDeadlineExceeded) {
      if (attempt == 0) {
        LogInfo("sync: hub ", options_.hub_address, " not reachable (", status.message(),
                "); working offline, will retry");
      }
    } else if (status.ToString() != last_logged) {
      // Not a network problem: say it once, loudly, and keep retrying quietly.
      LogError("sync: refused: ", status.ToString());
      last_logged = status.ToString();
    }
    const absl::Duration backoff = NextBackoff(attempt);
    attempt = std::min(attempt + 1, 30);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, absl::ToChronoMilliseconds(backoff), [this] { return stopping_; });
  }
}

absl::Status SyncClient::RunStream() {
  grpc::ClientContext context;
  if (!options_.token.empty()) context.AddMetadata("authorization", "Bearer " + options_.token);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return absl::CancelledError("stopping");
    context_ = &context;
    inbox_.clear();
    read_done_ = false;
    local_append_ = false;
    state_.streams_opened++;
  }
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, v1::HubMessage>> stream(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, v1::HubMessage>::Create(
          channel_.get(), *exchange_, &context));
  std::thread reader([&] {
    NameThisThread("node-sync-read");
    while (true) {
      // Its size is not known before it is read: a 16 KiB first block holds an
      // acknowledgement, and the blocks double up to a pull batch's size.
      std::shared_ptr<v1::HubMessage> message = NewOnArena<v1::HubMessage>(kMaxBatchBytes / 64);
      if (!stream->Read(message.get())) break;
      std::lock_guard<std::mutex> lock(mu_);
      if (message->has_pull()) state_.events_pulled += message->pull().entries_size();
      inbox_.push_back(std::move(message));
      state_.last_contact_unix_ms = absl::ToUnixMillis(absl::Now());
      cv_.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu_);
    read_done_ = true;
    cv_.notify_all();
  });

  NodeSession session(store_);
  absl::Status result;
  // The call is over on the hub's side (it closed the stream, or a write
  // failed): its status is final, and cancelling would replace it by CANCELLED.
  bool hub_ended = false;
  absl::StatusOr<v1::NodeMessage> hello = session.Start();
  if (!hello.ok()) {
    result = hello.status();
  } else if (grpc::ByteBuffer bytes = ToBytes(EncodedNodeMessage(*hello)); !stream->Write(bytes)) {
    result = absl::UnavailableError("cannot send Hello to the hub");
    hub_ended = true;
  }
  while (result.ok()) {
    std::vector<std::shared_ptr<const v1::HubMessage>> received;
    bool local = false;
    bool read_done = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || read_done_ || !inbox_.empty() || local_append_; });
      if (stopping_) {
        result = absl::CancelledError("stopping");
        break;
      }
      received.swap(inbox_);
      local = local_append_;
      local_append_ = false;
      read_done = read_done_;
    }
    std::optional<v1::Welcome> welcome;
    for (const std::shared_ptr<const v1::HubMessage>& message : received) {
      if (message->has_welcome()) welcome = message->welcome();
    }
    // Everything received meanwhile at once: pull batches that queued up while
    // the previous ones were applied are applied in one write.
    const bool was_welcomed = session.welcomed();
    absl::StatusOr<std::vector<EncodedNodeMessage>> replies = session.OnHubMessages(received);
    if (!was_welcomed && session.welcomed()) {
      if (welcome.has_value()) {
        LogInfo("sync: connected to hub ", options_.hub_address, " (epoch ", welcome->hub_epoch(),
                ", hub holds our events up to ", welcome->high_water(), ")");
      }
      std::lock_guard<std::mutex> lock(mu_);
      state_.connected = true;
      state_.offline_since_unix_ms = 0;
      state_.last_error.clear();
    }
    std::vector<EncodedNodeMessage> out;
    if (replies.ok()) {
      out = std::move(*replies);
    } else {
      result = replies.status();
    }
    if (!result.ok()) break;
    if (local) {
      absl::StatusOr<std::vector<EncodedNodeMessage>> pushes = session.OnLocalAppend();
      if (!pushes.ok()) {
        result = pushes.status();
        break;
      }
      for (EncodedNodeMessage& m : *pushes) out.push_back(std::move(m));
    }
    for (EncodedNodeMessage& message : out) {
      const int events = message.push_events();
      grpc::ByteBuffer bytes = ToBytes(std::move(message));
      if (!stream->Write(bytes)) {
        result = absl::UnavailableError("the stream to the hub broke while sending");
        hub_ended = true;
        break;
      }
      if (events > 0) {
        std::lock_guard<std::mutex> lock(mu_);
        state_.events_pushed += events;
      }
    }
    if (read_done && result.ok()) {
      hub_ended = true;
      result = absl::UnavailableError("the hub closed the stream");
    }
  }
  if (!hub_ended) context.TryCancel();
  reader.join();
  const grpc::Status finish = stream->Finish();
  {
    std::lock_guard<std::mutex> lock(mu_);
    context_ = nullptr;
  }
  // The hub's own status says more than "closed" or "cancelled".
  if (!finish.ok() && finish.error_code() != grpc::StatusCode::CANCELLED &&
      (result.ok() || result.code() == absl::StatusCode::kUnavailable)) {
    return FromGrpcStatus(finish);
  }
  return result;
}

}  // namespace comptoir
