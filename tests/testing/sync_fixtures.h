// A hub and centres over real gRPC on loopback, in one process, for the sync
// tests (tests/integration/): the real sync and hub services around a real
// HubLog, real NodeStores with their SyncClient, and raw streams that send
// exactly the messages a test chooses (what a misbehaving client does).
#ifndef COMPTOIR_TESTS_TESTING_SYNC_FIXTURES_H_
#define COMPTOIR_TESTS_TESTING_SYNC_FIXTURES_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "comptoir/v1/sync.grpc.pb.h"
#include "comptoir/v1/views.pb.h"
#include "hub/credentials.h"
#include "hub/hub_log.h"
#include "common/login_desk.h"
#include "hub/hub_service.h"
#include "hub/sync_service.h"
#include "node/node_store.h"
#include "node/sync_client.h"

namespace comptoir::testing {

// A hub serving on a fixed address, which can be stopped and started again on
// the same data directory. Stops on destruction.
class TestHub {
 public:
  TestHub(std::string dir, std::string address) : dir_(std::move(dir)), address_(address) {}
  ~TestHub() { Stop(); }

  // Authenticate centres with this credentials file from the next Start().
  void RequireCredentials(const std::string& path) { credentials_path_ = path; }

  absl::Status Start();
  void Stop();

  HubLog* log() { return log_.get(); }
  SyncServiceImpl* sync() { return sync_.get(); }
  HubServiceImpl* service() { return service_.get(); }
  const std::string& address() const { return address_; }
  // The last seq held from `origin` (0: none).
  uint64_t Holds(const std::string& origin);

 private:
  std::string dir_;
  std::string address_;
  std::string credentials_path_;
  std::unique_ptr<CredentialStore> credentials_;
  std::unique_ptr<HubLog> log_;
  std::unique_ptr<SyncServiceImpl> sync_;
  std::unique_ptr<LoginDesk> desk_;
  std::unique_ptr<HubServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
};

// A centre: its store and its sync client (started at once, stopped on
// destruction).
struct TestNode {
  TestNode(const std::string& site, const std::string& dir, const std::string& hub,
           const std::string& token = "");
  ~TestNode();

  // Records `count` bare sales (AppendRawSale); false if one failed.
  bool Sell(int count);
  // Sales from `origin` this centre holds.
  uint64_t SalesFrom(const std::string& origin);

  std::unique_ptr<NodeStore> store;
  std::unique_ptr<SyncClient> client;
};

// One raw sync stream: sends `messages` (with `token` as credential when not
// empty), closes its side, reads until the hub ends the stream.
struct RawExchangeResult {
  grpc::Status status;
  std::vector<v1::HubMessage> replies;
  // The last SyncError among the replies (reason unset if none).
  v1::SyncError error;
  int welcomes = 0;
};
RawExchangeResult RawExchange(const std::string& address,
                              const std::vector<v1::NodeMessage>& messages,
                              const std::string& token = "");

// The family record `store` holds for `family_id`; empty when none.
v1::FamilyRecord FamilyAt(const Store& store, const std::string& family_id);

// A Hello for `site` in the current protocol version.
v1::NodeMessage HelloFrom(const std::string& site);
// A push of exactly `records` (as a misbehaving node may send them).
v1::NodeMessage PushOf(const std::vector<v1::EventRecord>& records);
// A push of `site`'s own events [from, to] as `node` holds them.
v1::NodeMessage PushFrom(NodeStore& node, uint64_t from, uint64_t to);

}  // namespace comptoir::testing

#endif  // COMPTOIR_TESTS_TESTING_SYNC_FIXTURES_H_
