// Shared pieces of the comptoir command line: options every command has,
// calling a daemon, printing JSON or errors.
#ifndef COMPTOIR_NODE_CLI_CLI_UTIL_H_
#define COMPTOIR_NODE_CLI_CLI_UTIL_H_

#include <grpcpp/grpcpp.h>

#include <iostream>
#include <memory>
#include <string>

#include "google/protobuf/message.h"

namespace comptoir::cli {

struct Globals {
  std::string node = "127.0.0.1:7401";
  std::string hub = "127.0.0.1:7400";
  bool json = false;
  double timeout_seconds = 10;
  // Where `comptoir login` keeps session tokens (env COMPTOIR_CONFIG_DIR;
  // default $XDG_CONFIG_HOME/comptoir, else ~/.config/comptoir).
  std::string config_dir;
};

// The file holding the session token for the daemon at `address`.
std::string SessionFile(const Globals& globals, const std::string& address);
// Adds the session token saved for `address` by `comptoir login`, if any, to
// the call's metadata. A Unix-socket address ("unix:...") needs none: its
// callers are the machine's administrator.
void AttachSession(grpc::ClientContext* context, const Globals& globals,
                   const std::string& address);

// A channel to a daemon: plaintext, or TLS for the address given to UseTls.
std::shared_ptr<grpc::Channel> Connect(const std::string& address);
// Connections to `address` (the hub) use TLS with these credentials, checking
// `server_name` on its certificate when not empty. Call once, before Connect.
void UseTls(const std::string& address, std::shared_ptr<grpc::ChannelCredentials> credentials,
            const std::string& server_name);
void SetDeadline(grpc::ClientContext* context, const Globals& globals);
// Prints "error: <message> [CODE]" (with a hint when the daemon is not
// reachable) and returns the exit status 1.
int Fail(const grpc::Status& status, const std::string& address);
// Prints "error: <message>" and returns the usage exit status 2.
int Usage(const std::string& message);
// Parses an amount in euros as people type it ("12,50", "12.5", "60") into
// cents; false if malformed.
bool ParseAmount(const std::string& text, int64_t* cents);
// The protobuf JSON mapping, field names as in the .proto files.
std::string ToJson(const google::protobuf::Message& message);
// "2026-11-25 16:57:56 UTC" in local time, or "never" for 0.
std::string FormatTime(int64_t unix_ms);

// Calls `method` on a fresh stub for `address`; on success prints the JSON of
// the response when --json was given, else calls `print(response)`. Returns
// the exit status.
template <typename Service, typename Request, typename Response, typename Printer>
int Call(const Globals& globals, const std::string& address,
         grpc::Status (Service::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
         const Request& request, Printer print) {
  auto stub = Service::NewStub(Connect(address));
  grpc::ClientContext context;
  SetDeadline(&context, globals);
  AttachSession(&context, globals, address);
  Response response;
  grpc::Status status = ((*stub).*method)(&context, request, &response);
  if (!status.ok()) return Fail(status, address);
  if (globals.json) {
    std::cout << ToJson(response) << "\n";
  } else {
    print(response);
  }
  return 0;
}

}  // namespace comptoir::cli

#endif  // COMPTOIR_NODE_CLI_CLI_UTIL_H_
