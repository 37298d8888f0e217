// /docs: Swagger UI for /openapi.json, the page FastAPI's
// get_swagger_ui_html() serves. By default the page loads Swagger UI from
// the jsDelivr CDN, pinned to one version with Subresource Integrity; with
// --docs-assets the files come from a local copy of npm's swagger-ui-dist,
// read once at start-up and served from memory at /docs/assets/.
#ifndef AUTHCORE_SERVER_SWAGGER_UI_HPP
#define AUTHCORE_SERVER_SWAGGER_UI_HPP

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "authcore/result.hpp"

namespace authcore_server {

/// The swagger-ui-dist version the CDN page loads, and the one the tests
/// install (tests/support/npm/package.json pins it).
inline constexpr std::string_view kSwaggerUiVersion = "5.35.0";

/// One file of Swagger UI, as served.
struct SwaggerUiFile {
  std::string name;          ///< its name in swagger-ui-dist and under /docs/assets/
  std::string content_type;  ///< its Content-Type
  std::string body;          ///< its bytes
};

/// The files of swagger-ui-dist that /docs needs, from a local directory.
class SwaggerUiAssets {
 public:
  /// Files over this are refused (swagger-ui-bundle.js is about 1.7 MB).
  static constexpr std::size_t max_file_bytes = 16 * 1024 * 1024;

  /// Reads swagger-ui-bundle.js, swagger-ui.css and favicon-32x32.png from
  /// `directory` (e.g. node_modules/swagger-ui-dist), and nothing else: only
  /// these names are ever served, so no request can reach another file.
  /// Fails with not_found when one is missing or unreadable, and
  /// invalid_argument when one is over max_file_bytes or is not a regular file.
  static authcore::Result<SwaggerUiAssets> load(const std::string& directory);

  /// The file served as /docs/assets/`name`, or null when there is none.
  const SwaggerUiFile* find(std::string_view name) const noexcept;

 private:
  std::vector<SwaggerUiFile> files_;
};

/// The /docs page for /openapi.json. With `local_assets` it loads Swagger UI
/// from /docs/assets/; otherwise from jsDelivr at kSwaggerUiVersion, each
/// file checked against its Subresource Integrity hash, so a changed file
/// on the CDN is not run.
std::string swagger_ui_page(bool local_assets);

}  // namespace authcore_server

#endif
