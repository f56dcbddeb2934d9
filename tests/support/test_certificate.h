#pragma once

#include <string>

namespace dc::testing {

// A self-signed EC P-256 certificate for "localhost" and 127.0.0.1, valid
// for two days, and its unencrypted key: PEM files made with the openssl
// command-line tool.
struct TestCertificate {
  std::string cert_file;
  std::string key_file;
  std::string cert_pem;  // the certificate file's text
};

// The test process's certificate, made on first use in a directory removed
// at exit. Thread-safe. Throws std::runtime_error when openssl fails.
const TestCertificate& SharedTestCertificate();

// A new certificate and key (a fresh key pair, so different from every other)
// written as `dir`/NAME.crt and `dir`/NAME.key. Throws std::runtime_error
// when openssl fails.
TestCertificate MakeTestCertificate(const std::string& dir, const std::string& name = "server");

// True when the integration suite runs over TLS: DATACOOEE_TEST_TLS=1. Then
// ServerProcess serves HTTPS with SharedTestCertificate() and HttpClient
// speaks TLS unless told otherwise.
bool TlsTestMode();

}  // namespace dc::testing
