// Hardcoded secrets (review 3.1): finds the values written into configuration under a
// secret-like name (password, token, api_key, ...) or shaped like a known credential (an AWS
// access key, a private key block, a GitHub token), marks them sensitive so that every writer
// masks them, and records each as a `secret` facet: {key, value, marked_sensitive}. References
// are not secrets: `${{ secrets.X }}`, `${X}`, `$X`, templates, `*_FILE` and path values,
// Terraform values from variables or computed by the provider.
#pragma once

#include <functional>
#include <vector>

#include "engine/graph.hpp"

namespace infralint {

// The source text of a file, by its index.
using SourceLookup = std::function<const SourceFile*(uint32_t file)>;

// Finds the secrets of resources that hold values of their own files only (one file's parse, one
// Terraform root module's resources) and masks their copies among them.
void find_secrets(std::vector<Resource>& resources, const SourceLookup& source);
// Then the compose services, built from several files once linked to their Dockerfiles.
void find_compose_secrets(Graph& g);

// True for a key that names a secret: "DB_PASSWORD", "apiKey", "client_secret" (not
// "password_file", "secret_arn", "token_url").
bool secret_like_key(std::string_view key);

}  // namespace infralint
