// Backups of running daemons and restores into stopped ones, with the real
// binaries: a hub restored from an old backup takes a new epoch and gets back
// what it lacks from the centres; a centre restored from an old backup gets
// back its own later events from the hub before selling again. Nothing
// confirmed is lost and every replica converges. Backups are encrypted with
// each daemon's key (made by `backup-key new`): a backup holds no name in
// clear, and a damaged one or the wrong key changes nothing.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/testing/daemons.h"

namespace comptoir {
namespace {

using ::comptoir::testing::DaemonNetwork;
using ::comptoir::testing::ReadFile;
using ::comptoir::testing::WaitFor;

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

constexpr absl::Duration kPatience = absl::Seconds(60);

class BackupTest : public ::testing::Test {
 protected:
  BackupTest() : net_({HUB_BIN, NODE_BIN, CLI_BIN}) {}

  // Makes the backup key of `name` with the daemon's own command, once; its path.
  std::string Key(const std::string& name) {
    const std::string path = net_.dir().Sub("keys/" + name + ".key");
    if (std::filesystem::exists(path)) return path;
    std::filesystem::create_directories(net_.dir().Sub("keys"));
    int exit_code = -1;
    const std::string output =
        DaemonNetwork::Run({name == "hub" ? HUB_BIN : NODE_BIN, "backup-key", "new", path},
                           &exit_code);
    EXPECT_EQ(exit_code, 0) << output;
    EXPECT_NE(output.find("written to " + path), std::string::npos) << output;
    return path;
  }
  std::vector<std::string> KeyOption(const std::string& name) {
    return {"--backup-key", Key(name)};
  }

  // Starts the node `name`: site hem, no hub, its data in DataDir(name), plus `extra`.
  bool StartOfflineHem(const std::string& name, const std::vector<std::string>& extra,
                       std::string* error) {
    std::vector<std::string> argv = {NODE_BIN, "--site", "hem", "--data", net_.DataDir(name),
                                     "--listen", "127.0.0.1:0", "--hub", ""};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return net_.StartNodeProcess(name, argv, net_.DataDir(name), error);
  }

  // Runs `comptoir-<hub|node> restore` of `backup` into `data` with `key`.
  std::string Restore(const std::string& of, const std::string& backup, const std::string& data,
                      const std::string& key, int* exit_code) {
    return DaemonNetwork::Run({of == "hub" ? HUB_BIN : NODE_BIN, "restore", "--from", backup,
                               "--data", data, "--backup-key", key},
                              exit_code);
  }

  void SellMany(const std::string& site, const testing::Shop& shop, const std::string& tag,
                int count) {
    for (int i = 0; i < count; ++i) {
      grpc::Status status = net_.Sell(site, shop, absl::StrCat(tag, "-", i));
      ASSERT_TRUE(status.ok()) << site << ": " << status.error_message();
    }
  }

  // Waits until the hub and both centres count these sales.
  void ExpectConverged(uint64_t hem_sales, uint64_t lille_sales) {
    for (const std::string name : {"hub", "hem", "lille"}) {
      EXPECT_TRUE(WaitFor(
          [&] {
            auto sales = net_.SalesAt(name);
            return sales["hem"] == hem_sales && sales["lille"] == lille_sales;
          },
          kPatience))
          << name << " has hem " << net_.SalesAt(name)["hem"] << "/" << hem_sales << ", lille "
          << net_.SalesAt(name)["lille"] << "/" << lille_sales;
    }
  }

  std::string Backup(const std::string& of, const std::string& name) {
    const std::string dest = net_.dir().Sub("backups/" + name);
    std::filesystem::create_directories(net_.dir().Sub("backups"));
    int exit_code = -1;
    const std::string output =
        of == "hub" ? net_.RunCli({"--hub", net_.HubAdminAddress(), "hub", "backup", dest}, &exit_code)
                    : net_.RunCli({"--node", net_.Address(of), "backup", dest}, &exit_code);
    EXPECT_EQ(exit_code, 0) << output;
    EXPECT_NE(output.find("written to " + dest), std::string::npos) << output;
    EXPECT_NE(output.find("encrypted with backup key "), std::string::npos) << output;
    return dest;
  }

  DaemonNetwork net_;
};

TEST_F(BackupTest, RestoredHubAndCentreLoseNothingConfirmedAndConverge) {
  std::string error;
  ASSERT_TRUE(net_.StartHub(KeyOption("hub"), &error)) << error;
  ASSERT_TRUE(net_.StartNode("hem", KeyOption("hem"), &error)) << error;
  ASSERT_TRUE(net_.StartNode("lille", KeyOption("lille"), &error)) << error;
  const testing::Shop hem = net_.OpenShop("hem");
  const testing::Shop lille = net_.OpenShop("lille");
  SellMany("hem", hem, "a", 10);
  SellMany("lille", lille, "a", 5);
  ExpectConverged(10, 5);

  // The hub's backup is the oldest: it lacks everything sold after it.
  const std::string hub_backup = Backup("hub", "hub-early");
  EXPECT_TRUE(std::filesystem::is_regular_file(hub_backup));
  SellMany("hem", hem, "b", 10);
  ExpectConverged(20, 5);
  const std::string hem_backup = Backup("hem", "hem-mid");
  {  // A backup never overwrites anything.
    int exit_code = -1;
    const std::string output =
        net_.RunCli({"--node", net_.Address("hem"), "backup", hem_backup}, &exit_code);
    EXPECT_EQ(exit_code, 1) << output;
    EXPECT_NE(output.find("ALREADY_EXISTS"), std::string::npos) << output;
  }
  SellMany("hem", hem, "c", 10);
  SellMany("lille", lille, "c", 5);
  ExpectConverged(30, 10);
  const uint64_t hem_seq = net_.NodeStatus("hem").own_seq();
  const uint64_t old_epoch = net_.HubStatus().hub_epoch();

  // Restoring into a running daemon's data is refused and changes nothing.
  {
    int exit_code = -1;
    const std::string output =
        Restore("hub", hub_backup, net_.DataDir("hub"), Key("hub"), &exit_code);
    EXPECT_EQ(exit_code, 1) << output;
    EXPECT_NE(output.find("stop it first"), std::string::npos) << output;
  }
  {  // The wrong kind of backup is refused too.
    int exit_code = -1;
    const std::string output =
        Restore("hub", hem_backup, net_.DataDir("hub"), Key("hub"), &exit_code);
    EXPECT_EQ(exit_code, 1) << output;
    EXPECT_NE(output.find("not of the hub"), std::string::npos) << output;
  }

  // The hub is restored from its old backup: a new epoch, and the centres send
  // back what it lacks.
  ASSERT_TRUE(net_.Stop("hub"));
  {
    int exit_code = -1;
    const std::string output =
        Restore("hub", hub_backup, net_.DataDir("hub"), Key("hub"), &exit_code);
    ASSERT_EQ(exit_code, 0) << output;
    EXPECT_NE(output.find("new epoch"), std::string::npos) << output;
    EXPECT_NE(output.find("previous data was kept"), std::string::npos) << output;
  }
  ASSERT_TRUE(net_.StartHub(KeyOption("hub"), &error)) << error;
  EXPECT_NE(net_.HubStatus().hub_epoch(), old_epoch);
  ExpectConverged(30, 10);
  SellMany("lille", lille, "d", 1);
  ExpectConverged(30, 11);

  // Hem is restored from its backup, which lacks its last 10 sales: it gets
  // them back from the hub before selling, and goes on from the right seq.
  ASSERT_TRUE(net_.Stop("hem"));
  {
    int exit_code = -1;
    const std::string output =
        Restore("hem", hem_backup, net_.DataDir("hem"), Key("hem"), &exit_code);
    ASSERT_EQ(exit_code, 0) << output;
    EXPECT_NE(output.find("hem data in"), std::string::npos) << output;
  }
  ASSERT_TRUE(net_.StartNode("hem", KeyOption("hem"), &error)) << error;
  ASSERT_TRUE(WaitFor(
      [&] {
        const v1::SyncStatus status = net_.NodeStatus("hem");
        return !status.recovering() && status.own_seq() == hem_seq;
      },
      kPatience))
      << net_.Log("hem");
  v1::RecordSaleResponse sale;
  ASSERT_TRUE(net_.Sell("hem", hem, "after-restore", &sale).ok());
  EXPECT_EQ(sale.seq(), hem_seq + 1) << "no seq number is written twice";
  ExpectConverged(31, 11);
}

TEST_F(BackupTest, BackupDuringABurstOfSalesIsConsistent) {
  std::string error;
  ASSERT_TRUE(StartOfflineHem("hem", KeyOption("hem"), &error)) << error;
  const testing::Shop hem = net_.OpenShop("hem");
  std::atomic<int> confirmed{0};
  std::atomic<bool> stop{false};
  std::thread seller([&] {
    for (int i = 0; !stop; ++i) {
      if (!net_.Sell("hem", hem, absl::StrCat("burst-", i)).ok()) return;
      confirmed++;
    }
  });
  ASSERT_TRUE(WaitFor([&] { return confirmed >= 50; }, kPatience));
  const int before = confirmed;
  const std::string backup = Backup("hem", "hem-busy");
  const int after = confirmed;
  ASSERT_TRUE(WaitFor([&] { return confirmed >= after + 20; }, kPatience)) << "sales went on";
  stop = true;
  seller.join();

  // The copy, restored into another directory, is one instant of the centre:
  // its events and its views (in other column families) agree.
  int exit_code = -1;
  const std::string output = Restore("hem", backup, net_.DataDir("copy"), Key("hem"), &exit_code);
  ASSERT_EQ(exit_code, 0) << output;
  ASSERT_TRUE(StartOfflineHem("copy", {}, &error)) << error;
  const v1::SyncStatus status = net_.NodeStatus("copy");
  EXPECT_TRUE(status.recovering()) << "a restored centre waits for the hub";
  const uint64_t sales = net_.SalesAt("copy")["hem"];
  EXPECT_EQ(status.own_seq(), sales + 4) << "events and views agree";
  EXPECT_GE(sales, static_cast<uint64_t>(before)) << "every sale confirmed before the backup";
  EXPECT_LE(sales, static_cast<uint64_t>(after) + 1) << "nothing from after it (one in flight)";
}

TEST_F(BackupTest, RestoreNeedsABackupFile) {
  std::filesystem::create_directories(net_.dir().Sub("not-a-backup"));
  int exit_code = -1;
  const std::string output =
      Restore("hem", net_.dir().Sub("not-a-backup"), net_.DataDir("hem"), Key("hem"), &exit_code);
  EXPECT_EQ(exit_code, 1) << output;
  EXPECT_NE(output.find("not a Comptoir backup file"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(net_.DataDir("hem")));
}

// Every file of a directory and its bytes.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files[entry.path().string()] = ReadFile(entry.path().string());
  }
  return files;
}

TEST_F(BackupTest, ABackupHoldsNoNameInClearAndADamagedOneOrTheWrongKeyChangesNothing) {
  std::string error;
  ASSERT_TRUE(StartOfflineHem("hem", KeyOption("hem"), &error)) << error;
  const testing::Shop shop = net_.OpenShop("hem");  // the Lefebvre family, Nadia
  ASSERT_FALSE(shop.family_id.empty());
  ASSERT_TRUE(net_.Sell("hem", shop, "before-backup").ok());
  const std::string backup = Backup("hem", "hem");
  const std::string bytes = ReadFile(backup);
  EXPECT_EQ(bytes.find("Lefebvre"), std::string::npos);
  EXPECT_EQ(bytes.find("Nadia"), std::string::npos);
  ASSERT_TRUE(net_.Stop("hem"));
  const auto before = Snapshot(net_.DataDir("hem"));
  bool found_name = false;  // the test's own check: the database does hold the name
  for (const auto& [path, contents] : before) {
    found_name |= contents.find("Lefebvre") != std::string::npos;
  }
  EXPECT_TRUE(found_name);

  auto refused = [&](const std::string& from, const std::string& key, const std::string& why) {
    int exit_code = -1;
    const std::string output = Restore("hem", from, net_.DataDir("hem"), key, &exit_code);
    EXPECT_EQ(exit_code, 1) << output;
    EXPECT_NE(output.find(why), std::string::npos) << output;
    EXPECT_EQ(Snapshot(net_.DataDir("hem")), before) << from << ": the data is untouched";
    EXPECT_FALSE(std::filesystem::exists(net_.DataDir("hem") + ".restoring"));
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x20;
  WriteBytes(net_.dir().Sub("backups/flipped"), flipped);
  refused(net_.dir().Sub("backups/flipped"), Key("hem"), "modified or damaged");
  WriteBytes(net_.dir().Sub("backups/truncated"), bytes.substr(0, bytes.size() - 100));
  refused(net_.dir().Sub("backups/truncated"), Key("hem"), "truncated");
  refused(backup, Key("lille"), "wrong backup key");

  // The right key gives the centre back, with its family.
  int exit_code = -1;
  const std::string output = Restore("hem", backup, net_.DataDir("hem"), Key("hem"), &exit_code);
  ASSERT_EQ(exit_code, 0) << output;
  ASSERT_TRUE(StartOfflineHem("hem", {}, &error)) << error;
  EXPECT_EQ(net_.SalesAt("hem")["hem"], 1u);
}

TEST_F(BackupTest, NoBackupWithoutAKeyAndAKeyOthersCanReadStopsTheDaemon) {
  std::string error;
  ASSERT_TRUE(StartOfflineHem("hem", {}, &error)) << error;
  std::filesystem::create_directories(net_.dir().Sub("backups"));
  int exit_code = -1;
  std::string output = net_.RunCli(
      {"--node", net_.Address("hem"), "backup", net_.dir().Sub("backups/hem")}, &exit_code);
  EXPECT_EQ(exit_code, 1) << output;
  EXPECT_NE(output.find("comptoir-node backup-key new"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(net_.dir().Sub("backups/hem")));
  ASSERT_TRUE(net_.Stop("hem"));

  for (const std::string name : {"hem", "hub"}) {
    ASSERT_EQ(chmod(Key(name).c_str(), 0644), 0);
    const bool started =
        name == "hub" ? net_.StartHub(KeyOption("hub"), &error)
                      : StartOfflineHem("hem", KeyOption("hem"), &error);
    EXPECT_FALSE(started) << name;
    EXPECT_NE(error.find("chmod 600 " + Key(name)), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace comptoir
