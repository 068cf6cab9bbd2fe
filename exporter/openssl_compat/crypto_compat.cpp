// Lets CivetWeb 1.15 find libcrypto on a host without libssl-dev.
//
// CivetWeb opens dlopen("libcrypto.so") beside "libssl.so" and gives up on
// TLS when it cannot. Only libssl-dev installs the unversioned
// libcrypto.so; a server has libcrypto.so.3 alone. This library's SONAME is
// "libcrypto.so" and it depends on libcrypto.so.3 (linked with
// --no-as-needed): once greenlight has loaded it, the dynamic loader answers
// CivetWeb's dlopen with it, and CivetWeb's dlsym finds every function in
// libcrypto.so.3 behind it. It defines nothing itself.
