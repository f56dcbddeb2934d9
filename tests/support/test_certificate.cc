#include "support/test_certificate.h"

#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/temp_dir.h"

namespace dc::testing {

TestCertificate MakeTestCertificate(const std::string& dir, const std::string& name) {
  TestCertificate certificate;
  certificate.cert_file = dir + "/" + name + ".crt";
  certificate.key_file = dir + "/" + name + ".key";
  // The paths come from TempDir (no shell metacharacters); openssl's chatter
  // goes to a file that is shown only when it fails.
  const std::string log = dir + "/" + name + ".openssl.log";
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
      " -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '" +
      certificate.key_file + "' -out '" + certificate.cert_file + "' >'" + log + "' 2>&1";
  if (std::system(command.c_str()) != 0) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    throw std::runtime_error("openssl req failed: " + text.str());
  }
  std::ifstream in(certificate.cert_file);
  std::stringstream text;
  text << in.rdbuf();
  certificate.cert_pem = text.str();
  return certificate;
}

const TestCertificate& SharedTestCertificate() {
  // Function-local statics: made once, on first use, even from several
  // threads; the directory goes at exit.
  static const TempDir dir;
  static const TestCertificate certificate = MakeTestCertificate(dir.path());
  return certificate;
}

bool TlsTestMode() {
  const char* value = getenv("DATACOOEE_TEST_TLS");
  return value != nullptr && std::string(value) == "1";
}

}  // namespace dc::testing
