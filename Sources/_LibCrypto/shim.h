// SHA-256 and HMAC from OpenSSL's libcrypto, as Debian's libssl-dev installs it: hardware-accelerated
// hashing for manifest.json and the keyed pseudonyms of research exports.
#include <openssl/evp.h>
#include <openssl/hmac.h>
