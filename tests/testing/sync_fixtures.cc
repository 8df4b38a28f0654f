#include "tests/testing/sync_fixtures.h"

#include <chrono>

#include "common/daemon.h"
#include "common/family_view.h"
#include "common/sync_protocol.h"
#include "tests/testing/shop.h"

namespace comptoir::testing {

absl::Status TestHub::Start() {
  absl::StatusOr<std::unique_ptr<HubLog>> log = HubLog::Open(dir_);
  if (!log.ok()) return log.status();
  log_ = *std::move(log);
  if (!credentials_path_.empty()) {
    absl::StatusOr<std::unique_ptr<CredentialStore>> credentials =
        CredentialStore::Open(credentials_path_);
    if (!credentials.ok()) return credentials.status();
    credentials_ = *std::move(credentials);
  }
  sync_ = std::make_unique<SyncServiceImpl>(log_.get(), credentials_.get());
  desk_ = std::make_unique<LoginDesk>(log_->writable_store(), "hub");
  // The tests call HubService as the hub's administrator would (its socket).
  service_ = std::make_unique<HubServiceImpl>(log_.get(), sync_.get(),
                                              HubGate::Administrator(desk_.get()));
  absl::StatusOr<RunningServer> server = StartGrpcServer(address_, {sync_.get(), service_.get()});
  if (!server.ok()) return server.status();
  server_ = std::move(server->server);
  return absl::OkStatus();
}

void TestHub::Stop() {
  if (!server_) return;
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
  server_->Wait();
  server_.reset();
  service_.reset();
  desk_.reset();
  sync_.reset();
  log_.reset();
}

uint64_t TestHub::Holds(const std::string& origin) {
  absl::StatusOr<ChainHead> head = log_->HeadOf(origin);
  return head.ok() ? head->seq : 0;
}

TestNode::TestNode(const std::string& site, const std::string& dir, const std::string& hub,
                   const std::string& token) {
  store = NodeStore::Open({site, dir, nullptr, ""}).value();
  SyncClient::Options options;
  options.hub_address = hub;
  options.token = token;
  options.max_backoff = absl::Milliseconds(500);
  client = std::make_unique<SyncClient>(store.get(), options);
  SyncClient* raw = client.get();
  store->SetLocalAppendListener([raw] { raw->NotifyLocalAppend(); });
  client->Start();
}

TestNode::~TestNode() { client->Stop(); }

bool TestNode::Sell(int count) {
  for (int i = 0; i < count; ++i) {
    if (!AppendRawSale(*store, 1).ok()) return false;
  }
  return true;
}

uint64_t TestNode::SalesFrom(const std::string& origin) {
  const v1::SalesSummary sales = store->Sales().value();
  for (const auto& row : sales.origins()) {
    if (row.origin() == origin) return row.sales();
  }
  return 0;
}

RawExchangeResult RawExchange(const std::string& address,
                              const std::vector<v1::NodeMessage>& messages,
                              const std::string& token) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(-1);  // so that oversized messages reach the hub
  auto stub = v1::Sync::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = stub->Exchange(&context);
  for (const v1::NodeMessage& message : messages) {
    if (!stream->Write(message)) break;  // the hub ended the stream
  }
  stream->WritesDone();
  RawExchangeResult result;
  v1::HubMessage reply;
  while (stream->Read(&reply)) {
    if (reply.has_error()) result.error = reply.error();
    if (reply.has_welcome()) ++result.welcomes;
    result.replies.push_back(reply);
  }
  result.status = stream->Finish();
  return result;
}

v1::FamilyRecord FamilyAt(const Store& store, const std::string& family_id) {
  absl::StatusOr<std::optional<v1::FamilyRecord>> found = FindFamily(store, family_id);
  return found.ok() && found->has_value() ? **found : v1::FamilyRecord();
}

v1::NodeMessage HelloFrom(const std::string& site) {
  v1::NodeMessage message;
  message.mutable_hello()->set_site(site);
  message.mutable_hello()->set_protocol_version(kProtocolVersion);
  return message;
}

v1::NodeMessage PushOf(const std::vector<v1::EventRecord>& records) {
  v1::NodeMessage message;
  message.mutable_push();
  for (const v1::EventRecord& record : records) *message.mutable_push()->add_events() = record;
  return message;
}

v1::NodeMessage PushFrom(NodeStore& node, uint64_t from, uint64_t to) {
  v1::NodeMessage message;
  message.mutable_push();
  std::vector<v1::EventRecord> records = node.ReadOwn(from, to - from + 1, size_t{1} << 30).value();
  for (v1::EventRecord& record : records) *message.mutable_push()->add_events() = std::move(record);
  return message;
}

}  // namespace comptoir::testing
