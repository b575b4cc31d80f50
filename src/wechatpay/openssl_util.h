// Internal OpenSSL helpers of the wechatpay module (RAII handles, error text). Not part of the
// public API; included only by .cpp files. Thread-safe (OpenSSL's error queue is per thread).
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"

namespace orderops::wechatpay {

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using DigestCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// A read-only BIO over `data` (which must outlive it), or an empty writable one.
BioPtr memory_bio(std::string_view data);
std::string bio_contents(BIO* bio);

// Drains OpenSSL's error queue into an Error (kInternal) prefixed with `what`. The queue text
// never contains key material.
std::unexpected<Error> openssl_error(std::string_view what);

}  // namespace orderops::wechatpay
