#pragma once

#include <openssl/ssl.h>

#include <memory>

#include "fetchpool/core/result.hpp"

namespace fetchpool {

// What a TLS connection's server presented (CertificateFacts), read from its SSL the first time
// it is asked and kept on that SSL (its ex_data, freed with the connection), so every URL a
// reused connection carries gets the same facts without reading them again: libcurl's
// CURLINFO_CERTINFO is filled only by a handshake. Null until the handshake has finished, and
// when the server sent no certificate.
// Thread-safety: an SSL belongs to one worker's connection; call this on that worker's thread.
// The facts it returns are immutable and may go to any thread.
std::shared_ptr<const CertificateFacts> PeerCertificate(SSL* ssl);

}  // namespace fetchpool
