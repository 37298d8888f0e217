#include "authcore/hmac_key.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/hmac_sha256.hpp"
#include "detail/key_file.hpp"
#include "detail/utf8.hpp"

namespace authcore {

HmacKey::HmacKey(std::shared_ptr<const detail::HmacSha256> mac, std::string kid) noexcept
    : mac_(std::move(mac)), kid_(std::move(kid)) {}

namespace {

// `source` names where the key came from, for messages; empty for none.
Error key_too_short(std::size_t size, const std::string& source) {
  return Error{ErrorCode::invalid_key, source + "an HS256 key needs at least " + std::to_string(HmacKey::min_size) +
                                           " bytes (RFC 7518 §3.2); got " + std::to_string(size)};
}

// ---- keys files (KeyRing::from_file) ----

bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trimmed(std::string_view text) noexcept {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

// The blank-separated fields of a trimmed line.
std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> fields;
  while (!line.empty()) {
    std::size_t end = 0;
    while (end < line.size() && !is_blank(line[end])) ++end;
    fields.push_back(line.substr(0, end));
    line = trimmed(line.substr(end));
  }
  return fields;
}

// What went wrong on one line of a keys file. The line's text is never
// quoted: it holds a key.
Error line_error(const std::string& path, std::size_t line, const std::string& reason) {
  return Error{ErrorCode::invalid_key, "keys file '" + path + "' line " + std::to_string(line) + ": " + reason};
}

// The key of one `kid key` line.
Result<HmacKey> key_of_line(std::string_view text, std::size_t line, const std::string& path) {
  const auto fields = fields_of(text);
  if (fields.size() != 2) {
    return line_error(path, line,
                      "expected two fields, `kid key`, got " + std::to_string(fields.size()) +
                          " (authctl keygen --kid K writes such a line)");
  }
  auto key = HmacKey::from_base64url(fields[1], std::string(fields[0]));
  if (!key) return line_error(path, line, key.error().message);
  return key;
}

}  // namespace

Result<HmacKey> HmacKey::from_bytes(std::string_view bytes, std::string kid) {
  if (bytes.size() < min_size) return key_too_short(bytes.size(), {});
  if (!detail::is_valid_utf8(kid)) return Error{ErrorCode::invalid_key, "kid is not valid UTF-8"};
  return HmacKey(std::make_shared<const detail::HmacSha256>(bytes), std::move(kid));
}

Result<HmacKey> HmacKey::from_secret(const SecretBytes& secret, std::string kid) {
  return from_bytes(secret.view(), std::move(kid));
}

Result<HmacKey> HmacKey::from_base64url(std::string_view encoded, std::string kid) {
  const auto secret = SecretBytes::from_base64url(encoded);
  if (!secret) return secret.error();
  return from_secret(*secret, std::move(kid));
}

Result<HmacKey> HmacKey::from_file(const std::string& path, std::string kid) {
  const auto secret = SecretBytes::read_file(path);
  if (!secret) return secret.error();
  if (secret->size() < min_size) return key_too_short(secret->size(), "key file '" + path + "': ");
  return from_secret(*secret, std::move(kid));
}

HmacKey HmacKey::generate(std::string kid) {
  return from_secret(SecretBytes::random(min_size), std::move(kid)).value();
}

KeyRing::KeyRing(HmacKey key) { keys_.push_back(std::move(key)); }

KeyRing::KeyRing(std::vector<HmacKey> keys, std::size_t current) noexcept : keys_(std::move(keys)), current_(current) {}

Result<KeyRing> KeyRing::create(std::vector<HmacKey> keys, std::string_view current_kid) {
  if (keys.empty()) return Error{ErrorCode::invalid_key, "a key ring needs at least one key"};
  for (auto i = keys.begin(); i != keys.end(); ++i) {
    const auto same_kid = [&](const HmacKey& other) { return other.kid() == i->kid(); };
    if (std::any_of(std::next(i), keys.end(), same_kid)) {
      return Error{ErrorCode::invalid_key, "two keys in the ring share the kid \"" + i->kid() + "\""};
    }
  }
  const auto current =
      std::find_if(keys.begin(), keys.end(), [&](const HmacKey& key) { return key.kid() == current_kid; });
  if (current == keys.end()) {
    return Error{ErrorCode::invalid_key, "no key in the ring has the current kid \"" + std::string(current_kid) + "\""};
  }
  const auto index = static_cast<std::size_t>(current - keys.begin());
  return KeyRing(std::move(keys), index);
}

Result<KeyRing> KeyRing::from_file(const std::string& path) {
  const auto text = detail::read_key_file(path, detail::KeyFileAccess::owner_only);
  if (!text) return text.error();
  std::vector<HmacKey> keys;
  std::vector<std::size_t> lines;  // the line of each key, for naming a repeated kid
  std::string_view rest = text->view();
  for (std::size_t line = 1; !rest.empty(); ++line) {
    const auto newline = rest.find('\n');
    const std::string_view content = trimmed(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    if (content.empty() || content.front() == '#') continue;
    auto key = key_of_line(content, line, path);
    if (!key) return key.error();
    const auto same_kid =
        std::find_if(keys.begin(), keys.end(), [&](const HmacKey& k) { return k.kid() == key->kid(); });
    if (same_kid != keys.end()) {
      return line_error(
          path, line,
          "the same kid as line " + std::to_string(lines[static_cast<std::size_t>(same_kid - keys.begin())]));
    }
    keys.push_back(std::move(*key));
    lines.push_back(line);
  }
  if (keys.empty()) return Error{ErrorCode::invalid_key, "keys file '" + path + "' holds no key"};
  std::string current = keys.front().kid();
  return create(std::move(keys), current);
}

const HmacKey* KeyRing::find(std::string_view kid) const noexcept {
  for (const auto& key : keys_) {
    if (key.kid() == kid) return &key;
  }
  return nullptr;
}

const HmacKey* KeyRing::select(bool token_has_kid, std::string_view token_kid) const noexcept {
  if (keys_.size() == 1 && keys_.front().kid().empty()) return &keys_.front();
  if (!token_has_kid) return &current();
  return find(token_kid);
}

}  // namespace authcore
