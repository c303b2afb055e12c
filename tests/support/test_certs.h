#pragma once
// Test certificates generated at test time (OpenSSL 3, EC P-256): a CA, a leaf it signed for the
// loopback names, and a leaf it signed for a wrong name — so TLS tests need no checked-in keys
// and can exercise both a good handshake and a failed host-name check.
//
// Usage:
//   const TestCertificates& certs = SharedTestCertificates();
//   FakeHttpServer server(certs.leaf().tls());          // serves "localhost" and 127.0.0.1
//   client.AddTrustedCa(certs.ca().cert_pem);            // or certs.ca().cert_path

#include <filesystem>
#include <string>

#include "tests/support/fake_http_server.h"

namespace intern::testing {

struct CertificateFiles {
  std::string cert_pem;
  std::string key_pem;  // PKCS#8 PEM
  std::filesystem::path cert_path;
  std::filesystem::path key_path;

  TlsOptions tls() const { return TlsOptions{cert_pem, key_pem}; }
};

class TestCertificates {
 public:
  // Generates the CA and two leaves and writes their PEM files into a new temporary directory,
  // which the destructor removes. `leaf` names DNS `host` and IP `ip`; `wrong_leaf` names only
  // DNS `wrong_host`. Throws intern::Error if OpenSSL or the file system fails.
  static TestCertificates Generate(const std::string& host = "localhost",
                                   const std::string& ip = "127.0.0.1",
                                   const std::string& wrong_host = "wrong.invalid");

  TestCertificates(TestCertificates&& other) noexcept;
  TestCertificates& operator=(TestCertificates&&) = delete;
  TestCertificates(const TestCertificates&) = delete;
  ~TestCertificates();

  const CertificateFiles& ca() const { return ca_; }
  const CertificateFiles& leaf() const { return leaf_; }
  const CertificateFiles& wrong_leaf() const { return wrong_leaf_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  TestCertificates() = default;
  CertificateFiles ca_, leaf_, wrong_leaf_;
  std::filesystem::path dir_;
};

// One set for the whole test process (for "localhost", 127.0.0.1 and "wrong.invalid"), made on
// first use; thread-safe.
const TestCertificates& SharedTestCertificates();

}  // namespace intern::testing
