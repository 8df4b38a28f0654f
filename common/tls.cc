#include "common/tls.h"

#include <grpcpp/security/auth_context.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/secret_file.h"
#include "common/status_macros.h"

namespace comptoir {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct StoreFree {
  void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* ctx) const { X509_STORE_CTX_free(ctx); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Cert = std::unique_ptr<X509, X509Free>;

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", what, " ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Bio MemoryBio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

std::vector<Cert> ParseCerts(const std::string& pem) {
  std::vector<Cert> certs;
  Bio bio = MemoryBio(pem);
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(cert);
  }
  ERR_clear_error();  // the loop ends on "no start line"
  return certs;
}

std::string CommonName(X509* cert) {
  char name[256] = {0};
  const int length =
      X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
  return length > 0 ? std::string(name, length) : std::string();
}

std::string TimeText(const ASN1_TIME* time) {
  Bio bio(BIO_new(BIO_s_mem()));
  ASN1_TIME_print(bio.get(), time);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size);
}

absl::Status CheckValidity(X509* cert, const std::string& path) {
  if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("certificate ", path, " (", CommonName(cert), ") expired on ",
                     TimeText(X509_get0_notAfter(cert)), ": issue a new one (deploy/make-certs.sh)"));
  }
  if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("certificate ", path, " (", CommonName(cert), ") is not valid before ",
                     TimeText(X509_get0_notBefore(cert)), " (is this machine's clock right?)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TlsMaterial> LoadTls(const TlsFiles& files) {
  if (files.ca.empty()) {
    return absl::FailedPreconditionError("TLS needs the network's CA certificate (--tls-ca)");
  }
  if (files.cert.empty() != files.key.empty()) {
    return absl::FailedPreconditionError(
        "TLS needs both a certificate and its key (--tls-cert and --tls-key), or neither");
  }
  TlsMaterial tls;
  ASSIGN_OR_RETURN(tls.ca_pem, ReadPem(files.ca, "CA certificate"));
  std::vector<Cert> cas = ParseCerts(tls.ca_pem);
  if (cas.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(files.ca, " holds no PEM certificate (--tls-ca)"));
  }
  for (const Cert& ca : cas) RETURN_IF_ERROR(CheckValidity(ca.get(), files.ca));
  if (files.cert.empty()) return tls;

  ASSIGN_OR_RETURN(tls.cert_pem, ReadPem(files.cert, "certificate"));
  ASSIGN_OR_RETURN(tls.key_pem, ReadPem(files.key, "private key"));
  RETURN_IF_ERROR(CheckSecretFileMode(files.key, "TLS private key"));
  std::vector<Cert> chain = ParseCerts(tls.cert_pem);
  if (chain.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(files.cert, " holds no PEM certificate (--tls-cert)"));
  }
  X509* cert = chain.front().get();
  tls.common_name = CommonName(cert);
  RETURN_IF_ERROR(CheckValidity(cert, files.cert));
  Bio key_bio = MemoryBio(tls.key_pem);
  std::unique_ptr<EVP_PKEY, KeyFree> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (key == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat(files.key, " holds no PEM private key (or it is encrypted) (--tls-key)"));
  }
  if (X509_check_private_key(cert, key.get()) != 1) {
    ERR_clear_error();
    return absl::FailedPreconditionError(absl::StrCat(
        "the key ", files.key, " does not belong to the certificate ", files.cert));
  }
  // The certificate must chain to the network's CA, or every peer refuses it.
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  for (const Cert& ca : cas) X509_STORE_add_cert(store.get(), ca.get());
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  for (size_t i = 1; i < chain.size(); ++i) sk_X509_push(untrusted, chain[i].get());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> context(X509_STORE_CTX_new());
  X509_STORE_CTX_init(context.get(), store.get(), cert, untrusted);
  const bool verified = X509_verify_cert(context.get()) == 1;
  const int error = X509_STORE_CTX_get_error(context.get());
  sk_X509_free(untrusted);
  ERR_clear_error();
  if (!verified) {
    return absl::FailedPreconditionError(
        absl::StrCat("certificate ", files.cert, " is not signed by the CA ", files.ca, ": ",
                     X509_verify_cert_error_string(error)));
  }
  return tls;
}

std::shared_ptr<grpc::ServerCredentials> ServerTlsCredentials(const TlsMaterial& tls) {
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = tls.ca_pem;
  options.pem_key_cert_pairs.push_back({tls.key_pem, tls.cert_pem});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> ClientTlsCredentials(const TlsMaterial& tls) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = tls.ca_pem;
  options.pem_private_key = tls.key_pem;
  options.pem_cert_chain = tls.cert_pem;
  return grpc::SslCredentials(options);
}

std::string PeerCommonName(const grpc::AuthContext& context) {
  if (!context.IsPeerAuthenticated()) return "";
  for (const grpc::string_ref& value : context.FindPropertyValues("x509_common_name")) {
    return std::string(value.data(), value.size());
  }
  return "";
}

}  // namespace comptoir
