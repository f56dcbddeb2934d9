#pragma once

#include <string_view>

namespace dc::api {

// The files of this folder, embedded into the binary at build time
// (embed_file.cmake writes their definitions). Each view points at static
// storage that lives as long as the process; thread-safe.

// openapi.json: the OpenAPI 3.0.3 document of every endpoint.
std::string_view OpenApiJson();

// docs.html: the page that renders OpenApiJson() for people.
std::string_view DocsPageHtml();

}  // namespace dc::api
