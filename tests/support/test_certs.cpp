// Certificate generation with the OpenSSL 3 API. Every OpenSSL object is held by a unique_ptr
// with its free function; any failed call throws with the OpenSSL error queue's last message.

#include "tests/support/test_certs.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <fstream>
#include <memory>
#include <system_error>

#include "config/error.h"

namespace intern::testing {
namespace {

struct FreeKey {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct FreeCert {
  void operator()(X509* p) const { X509_free(p); }
};
struct FreeBio {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct FreeExtension {
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, FreeKey>;
using CertPtr = std::unique_ptr<X509, FreeCert>;
using BioPtr = std::unique_ptr<BIO, FreeBio>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, FreeExtension>;

[[noreturn]] void Throw(const std::string& what) {
  char detail[256] = "unknown OpenSSL error";
  if (unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, detail, sizeof detail);
  ERR_clear_error();
  throw Error("generating test certificates: " + what + ": " + detail);
}

void Check(int ok, const char* what) {
  if (ok != 1) Throw(what);
}

KeyPtr NewKey() {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) Throw("EVP_EC_gen");
  return key;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext) Throw("building extension " + value);
  Check(X509_add_ext(cert, ext.get(), -1), "X509_add_ext");
}

// A certificate for `key` named `common_name`, signed by `issuer_key` (self-signed when `issuer`
// is null). `san` is an X509v3 subjectAltName value ("DNS:localhost,IP:127.0.0.1") or empty.
CertPtr MakeCert(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                 EVP_PKEY* issuer_key, long serial, bool is_ca, const std::string& san) {
  CertPtr cert(X509_new());
  if (!cert) Throw("X509_new");
  Check(X509_set_version(cert.get(), 2), "X509_set_version");
  Check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial), "serial");
  // Back-dated an hour so clock skew between generation and use never makes it "not yet valid".
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600)) Throw("notBefore");
  if (!X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7L * 24 * 3600)) Throw("notAfter");
  Check(X509_set_pubkey(cert.get(), key), "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  Check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("intern tests"), -1, -1,
                                   0),
        "subject O");
  Check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                   -1, -1, 0),
        "subject CN");
  X509* signer = issuer ? issuer : cert.get();
  Check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)), "issuer name");
  if (is_ca) {
    AddExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    AddExtension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
    AddExtension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
  }
  AddExtension(cert.get(), signer, NID_subject_key_identifier, "hash");
  AddExtension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  if (!san.empty()) AddExtension(cert.get(), signer, NID_subject_alt_name, san);
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) Throw("X509_sign");
  return cert;
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string CertPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) Throw("BIO_new");
  Check(PEM_write_bio_X509(bio.get(), cert), "PEM_write_bio_X509");
  return BioText(bio.get());
}

std::string KeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) Throw("BIO_new");
  Check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
        "PEM_write_bio_PrivateKey");
  return BioText(bio.get());
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw Error("generating test certificates: cannot write " + path.string());
}

CertificateFiles Files(const std::filesystem::path& dir, const std::string& stem, X509* cert,
                       EVP_PKEY* key) {
  CertificateFiles files{CertPem(cert), KeyPem(key), dir / (stem + ".crt"),
                         dir / (stem + ".key")};
  WriteFile(files.cert_path, files.cert_pem);
  WriteFile(files.key_path, files.key_pem);
  std::filesystem::permissions(files.key_path, std::filesystem::perms::owner_read |
                                                   std::filesystem::perms::owner_write);
  return files;
}

}  // namespace

TestCertificates TestCertificates::Generate(const std::string& host, const std::string& ip,
                                            const std::string& wrong_host) {
  std::string pattern = (std::filesystem::temp_directory_path() / "intern-certs-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw Error("generating test certificates: cannot create a directory like " + pattern + ": " +
                std::generic_category().message(errno));
  }
  TestCertificates out;
  out.dir_ = pattern;

  KeyPtr ca_key = NewKey();
  CertPtr ca = MakeCert(ca_key.get(), "intern test CA", nullptr, ca_key.get(), 1, true, "");
  KeyPtr leaf_key = NewKey();
  CertPtr leaf = MakeCert(leaf_key.get(), host, ca.get(), ca_key.get(), 2, false,
                          "DNS:" + host + ",IP:" + ip);
  KeyPtr wrong_key = NewKey();
  CertPtr wrong = MakeCert(wrong_key.get(), wrong_host, ca.get(), ca_key.get(), 3, false,
                           "DNS:" + wrong_host);

  out.ca_ = Files(out.dir_, "ca", ca.get(), ca_key.get());
  out.leaf_ = Files(out.dir_, "leaf", leaf.get(), leaf_key.get());
  out.wrong_leaf_ = Files(out.dir_, "wrong_leaf", wrong.get(), wrong_key.get());
  return out;
}

TestCertificates::TestCertificates(TestCertificates&& other) noexcept
    : ca_(std::move(other.ca_)),
      leaf_(std::move(other.leaf_)),
      wrong_leaf_(std::move(other.wrong_leaf_)),
      dir_(std::move(other.dir_)) {
  other.dir_.clear();
}

TestCertificates::~TestCertificates() {
  if (dir_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

const TestCertificates& SharedTestCertificates() {
  static const TestCertificates certs = TestCertificates::Generate();
  return certs;
}

}  // namespace intern::testing
