#include "swagger_ui.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace authcore_server {
namespace {

struct KnownFile {
  const char* name;
  const char* content_type;
  const char* integrity;  // the SRI hash of the file at kSwaggerUiVersion, for the CDN page
};

// The only files served. The hashes are those of swagger-ui-dist
// kSwaggerUiVersion (tests/server/openapi_test.py checks them against the
// npm package the tests install); jsDelivr serves the package's files as
// they are.
constexpr KnownFile kBundle{"swagger-ui-bundle.js", "text/javascript; charset=utf-8",
                            "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9"};
constexpr KnownFile kStylesheet{"swagger-ui.css", "text/css; charset=utf-8",
                                "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I"};
constexpr KnownFile kFavicon{"favicon-32x32.png", "image/png", ""};
constexpr std::array<const KnownFile*, 3> kFiles{&kBundle, &kStylesheet, &kFavicon};

authcore::Result<std::string> read_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return authcore::Error{authcore::ErrorCode::not_found, path.string() + ": no such file"};
  }
  if (!std::filesystem::is_regular_file(status)) {
    return authcore::Error{authcore::ErrorCode::invalid_argument, path.string() + ": not a regular file"};
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > SwaggerUiAssets::max_file_bytes) {
    return authcore::Error{authcore::ErrorCode::invalid_argument, path.string() + ": over 16 MiB"};
  }
  // Read in chunks rather than through istreambuf_iterator, whose inlined
  // buffer walk GCC 12 flags as a null dereference at -O2 (a false positive).
  std::ifstream in(path, std::ios::binary);
  std::string bytes;
  std::array<char, 64 * 1024> chunk{};
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    bytes.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > SwaggerUiAssets::max_file_bytes) {  // it grew since file_size()
      return authcore::Error{authcore::ErrorCode::invalid_argument, path.string() + ": over 16 MiB"};
    }
  }
  if (in.bad() || !in.eof()) {
    return authcore::Error{authcore::ErrorCode::not_found, path.string() + ": cannot be read"};
  }
  return bytes;
}

std::string cdn_url(std::string_view name) {
  return "https://cdn.jsdelivr.net/npm/swagger-ui-dist@" + std::string(kSwaggerUiVersion) + "/" + std::string(name);
}

// The attributes that load `file` from /docs/assets/ or, checked by its
// hash, from the CDN.
std::string source(const char* attribute, const KnownFile& file, bool local_assets) {
  const std::string name(file.name);
  if (local_assets) return std::string(attribute) + "=\"/docs/assets/" + name + "\"";
  std::string written = std::string(attribute) + "=\"" + cdn_url(name) + "\"";
  if (const std::string_view integrity = file.integrity; !integrity.empty()) {
    written += " integrity=\"" + std::string(integrity) + "\" crossorigin=\"anonymous\"";
  }
  return written;
}

}  // namespace

authcore::Result<SwaggerUiAssets> SwaggerUiAssets::load(const std::string& directory) {
  SwaggerUiAssets assets;
  for (const KnownFile* file : kFiles) {
    auto bytes = read_file(std::filesystem::path(directory) / file->name);
    if (!bytes) return bytes.error();
    assets.files_.push_back({file->name, file->content_type, std::move(*bytes)});
  }
  return assets;
}

const SwaggerUiFile* SwaggerUiAssets::find(std::string_view name) const noexcept {
  for (const auto& file : files_) {
    if (file.name == name) return &file;
  }
  return nullptr;
}

// FastAPI's get_swagger_ui_html() with its default parameters.
std::string swagger_ui_page(bool local_assets) {
  return R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>authcore-server - Swagger UI</title>
<link type="text/css" rel="stylesheet" )" +
         source("href", kStylesheet, local_assets) + R"(>
<link rel="shortcut icon" )" +
         source("href", kFavicon, local_assets) + R"(>
</head>
<body>
<div id="swagger-ui"></div>
<script )" +
         source("src", kBundle, local_assets) +
         R"(></script>
<script>
const ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
</script>
</body>
</html>
)";
}

}  // namespace authcore_server
