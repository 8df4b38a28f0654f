#include "node/cli/cli_util.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/money.h"

namespace comptoir::cli {

namespace {

struct TlsTarget {
  std::string address;
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  std::string server_name;
};

TlsTarget& Tls() {
  static TlsTarget* target = new TlsTarget();
  return *target;
}

}  // namespace

void UseTls(const std::string& address, std::shared_ptr<grpc::ChannelCredentials> credentials,
            const std::string& server_name) {
  Tls() = {address, std::move(credentials), server_name};
}

std::shared_ptr<grpc::Channel> Connect(const std::string& address) {
  const TlsTarget& tls = Tls();
  if (tls.credentials == nullptr || address != tls.address) {
    return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  }
  grpc::ChannelArguments args;
  if (!tls.server_name.empty()) args.SetSslTargetNameOverride(tls.server_name);
  return grpc::CreateCustomChannel(address, tls.credentials, args);
}

void SetDeadline(grpc::ClientContext* context, const Globals& globals) {
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(
                            static_cast<int64_t>(globals.timeout_seconds * 1000)));
}

std::string SessionFile(const Globals& globals, const std::string& address) {
  std::string name;
  for (char c : address) name += absl::ascii_isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return absl::StrCat(globals.config_dir, "/sessions/", name);
}

void AttachSession(grpc::ClientContext* context, const Globals& globals,
                   const std::string& address) {
  if (absl::StartsWith(address, "unix:")) return;
  std::ifstream in(SessionFile(globals, address));
  std::string token;
  if (!std::getline(in, token) || token.empty()) return;
  context->AddMetadata("authorization", "Bearer " + token);
}

int Fail(const grpc::Status& status, const std::string& address) {
  std::string hint;
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    hint = absl::StrCat(" (is the daemon running at ", address, "?)");
  }
  std::fprintf(stderr, "error: %s%s [%s]\n", status.error_message().c_str(), hint.c_str(),
               absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())).c_str());
  return 1;
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 2;
}

bool ParseAmount(const std::string& text, int64_t* cents) {
  std::optional<int64_t> parsed = ParseEuros(text);
  if (!parsed.has_value()) return false;
  *cents = *parsed;
  return true;
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

std::string FormatTime(int64_t unix_ms) {
  if (unix_ms == 0) return "never";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Z", absl::FromUnixMillis(unix_ms),
                          absl::LocalTimeZone());
}

}  // namespace comptoir::cli
