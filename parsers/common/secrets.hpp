// Hardcoded secrets (review 3.1): finds the values written into configuration under a
// secret-like name (password, token, api_key, ...) or shaped like a known credential (an AWS
// access key, a private key block, a GitHub token), marks them sensitive so that every writer
// masks them, and records each as a `secret` facet: {key, value, marked_sensitive}. References
// are not secrets: `${{ secrets.X }}`, `${X}`, `$X`, templates, `*_FILE` and path values,
// Terraform values from variables or computed by the provider.
#pragma once

#include "engine/graph.hpp"

namespace infralint {

void find_secrets(Graph& g);

// True for a key that names a secret: "DB_PASSWORD", "apiKey", "client_secret" (not
// "password_file", "secret_arn", "token_url").
bool secret_like_key(std::string_view key);

}  // namespace infralint
