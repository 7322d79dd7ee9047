// `infralint lsp`: a Language Server Protocol 3.17 server over stdio (JSON-RPC 2.0 with
// Content-Length framing). It judges the whole workspace, so cross-file facts hold while
// editing (a compose service whose Dockerfile gains a HEALTHCHECK, a namespace whose
// default-deny policy is in another file): open buffers win over the files on disk, and every
// open document whose diagnostics changed is published again. Changes that arrive while the
// server is busy are folded into one run; there is no timer debounce.
#pragma once

#include <string>

namespace infralint::lsp {

struct ServerOptions {
  std::string docs_base_url;  // codeDescription.href = docs_base_url + "#" + rule id
};

// Serves until `exit`; returns the process exit code (0 after shutdown, 1 without).
int serve(int in_fd, int out_fd, const ServerOptions& options);

}  // namespace infralint::lsp
