#pragma once

#include <string>
#include <string_view>

namespace dc::api {

// The Content-Security-Policy for a self-contained HTML page: nothing may be
// loaded from anywhere, and only the page's own inline <script> and <style>
// (named by their SHA-256, as CSP Level 2 allows) may run or apply. The page
// may fetch from its own origin (`connect-src 'self'`), and nothing else.
//
// A page without a <script> or <style> element gets `'none'` for it. Pure
// function of `html`; thread-safe; reports no errors.
std::string ContentSecurityPolicyFor(std::string_view html);

}  // namespace dc::api
