// Generates a throw-away certificate authority and a server certificate for 127.0.0.1/localhost
// at start-up, so the test server speaks TLS the way a real API server does and the kubeconfig
// can pin the CA. Pure function over OpenSSL 3; thread-safe.
#pragma once

#include <string>

#include "common/error.h"

namespace orderops::apiserver {

struct GeneratedTls {
  std::string ca_certificate_pem;
  std::string server_certificate_pem;
  std::string server_private_key_pem;
};

// EC P-256 keys; the server certificate carries SANs IP:127.0.0.1, IP:::1 and DNS:localhost.
Result<GeneratedTls> generate_tls();

}  // namespace orderops::apiserver
