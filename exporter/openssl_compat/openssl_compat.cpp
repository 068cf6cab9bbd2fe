// Lets Debian 12's CivetWeb 1.15 serve TLS with OpenSSL 3.
//
// CivetWeb loads OpenSSL at run time: dlopen("libssl.so"), then dlsym of
// every function it uses, and gives up on TLS when one is missing. It was
// built against the OpenSSL 1.1 names, and OpenSSL 3 renamed one of them:
// SSL_get_peer_certificate is now SSL_get1_peer_certificate (same contract:
// the caller owns the returned reference), the old name only a macro.
//
// This library's SONAME is "libssl.so" and it depends on the real
// libssl.so.3. greenlight loads it before CivetWeb initialises TLS; the
// dynamic loader then answers CivetWeb's dlopen("libssl.so") with it, and
// CivetWeb's dlsym finds every other function in libssl.so.3 behind it.
#include <openssl/ssl.h>

#undef SSL_get_peer_certificate

extern "C" {

__attribute__((visibility("default"))) X509* SSL_get_peer_certificate(const SSL* ssl);

X509* SSL_get_peer_certificate(const SSL* ssl) { return SSL_get1_peer_certificate(ssl); }

}  // extern "C"
