#include "token/claims_reader.hpp"

#include <optional>
#include <utility>

#include "token/compact_jws.hpp"

namespace authcore::detail {

namespace {

// A three-letter name as one integer, so registered names dispatch in a switch.
constexpr std::uint32_t three_letters(std::string_view name) noexcept {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(name[0])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(name[1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(name[2])) << 16;
}

// The JSON type a registered claim must have (RFC 7519 §4.1).
Error wrong_type(std::string_view claim, const char* expected) {
  return Error{ErrorCode::invalid_claim, "claim \"" + std::string(claim) + "\" must be " + expected};
}

}  // namespace

// Copies header strings into claims.decoded_: the decoded header is a
// temporary buffer of the verifier.
class ClaimsAccess::HeaderVisitor final : public JsonVisitor {
 public:
  HeaderVisitor(Claims& claims, JoseHeader& header) noexcept : claims_(claims), header_(header) {}

  bool member(std::string_view name, const JsonValue& value) override {
    if (name == "alg") {
      header_.alg_text = value.raw;
      if (value.kind != JsonKind::string) {
        header_.alg = JoseHeader::Alg::not_a_string;
      } else {
        header_.alg = is_hs256(value) ? JoseHeader::Alg::hs256 : JoseHeader::Alg::other;
      }
    } else if (name == "typ") {
      if (value.kind == JsonKind::string) claims_.type_ = copy_string(value);
      header_.bad_typ = value.kind != JsonKind::string;
    } else if (name == "kid") {
      header_.has_kid = true;
      if (value.kind == JsonKind::string) claims_.key_id_ = copy_string(value);
      header_.bad_kid = value.kind != JsonKind::string;
    } else if (name == "crit") {
      header_.has_crit = true;
    } else if (name == "b64") {
      header_.has_b64 = true;
    } else if (name == "jwk" || name == "jku" || name == "x5u" || name == "x5c") {
      header_.has_key_reference = true;
    }
    return true;
  }
  bool element(const JsonValue&) override { return true; }

 private:
  // Case-sensitive (RFC 7515 §4.1.1), compared after unescaping.
  static bool is_hs256(const JsonValue& value) {
    if (!value.has_escapes) return value.raw == R"("HS256")";
    std::string alg;
    json_decode_string(value.raw, alg);
    return alg == "HS256";
  }

  Claims::Span copy_string(const JsonValue& value) {
    const std::size_t offset = claims_.decoded_.size();
    json_decode_string(value.raw, claims_.decoded_);
    return {static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(claims_.decoded_.size() - offset), true};
  }

  Claims& claims_;
  JoseHeader& header_;
};

// Checks that `aud` is an array of strings and records each one.
class ClaimsAccess::AudienceVisitor final : public JsonVisitor {
 public:
  explicit AudienceVisitor(PayloadVisitor& payload) noexcept : payload_(payload) {}

  bool member(std::string_view, const JsonValue&) override { return false; }
  bool element(const JsonValue& value) override;

 private:
  PayloadVisitor& payload_;
};

class ClaimsAccess::PayloadVisitor final : public JsonVisitor {
 public:
  explicit PayloadVisitor(Claims& claims) noexcept : claims_(claims) {}

  bool member(std::string_view name, const JsonValue& value) override {
    index(name, value);
    // Every registered claim name has three letters; anything else is custom.
    switch (name.size() == 3 ? three_letters(name) : 0) {
      case three_letters("exp"): return numeric_date(name, value, Rounding::down, claims_.expires_at_);
      case three_letters("nbf"): return numeric_date(name, value, Rounding::up, claims_.not_before_);
      case three_letters("iat"): return numeric_date(name, value, Rounding::up, claims_.issued_at_);
      case three_letters("sub"): return string(name, value, claims_.subject_);
      case three_letters("iss"): return string(name, value, claims_.issuer_);
      case three_letters("jti"): return string(name, value, claims_.jwt_id_);
      case three_letters("sid"): return string(name, value, claims_.session_id_);
      case three_letters("aud"): return audience(value);
      default: return true;
    }
  }
  bool element(const JsonValue&) override { return true; }

  // The first wrongly typed claim; reported only if the JSON itself is valid.
  std::optional<Error> error;

  Claims::Span record(const JsonValue& value) {
    if (!value.has_escapes) {
      return {offset_in_payload(value.raw.data()) + 1, static_cast<std::uint32_t>(value.raw.size() - 2), false};
    }
    const std::size_t offset = claims_.decoded_.size();
    json_decode_string(value.raw, claims_.decoded_);
    return {static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(claims_.decoded_.size() - offset), true};
  }

  void add_audience(const JsonValue& value) {
    if (!claims_.audience_first_.present) {
      claims_.audience_first_ = record(value);
    } else {
      claims_.audience_rest_.push_back(record(value));
    }
  }

  bool reject(Error failure) {
    if (!error) error = std::move(failure);
    return true;  // keep scanning: a JSON error later in the payload takes precedence
  }

 private:
  // Remembers where each top-level member is, so Claims::raw() need not
  // scan the payload again.
  void index(std::string_view name, const JsonValue& value) {
    if (claims_.member_count_ == Claims::kIndexedMembers) {
      claims_.members_overflow_ = true;
      return;
    }
    Claims::Member& member = claims_.members_[claims_.member_count_++];
    member.name = span_of_name(name);
    member.value_offset = offset_in_payload(value.raw.data());
    member.value_size = static_cast<std::uint32_t>(value.raw.size());
  }

  // An unescaped name is a view into the payload; an escaped one was
  // unescaped by the scanner into its own buffer and is copied.
  Claims::Span span_of_name(std::string_view name) {
    const char* payload = claims_.payload_.data();
    if (name.data() >= payload && name.data() < payload + claims_.payload_.size()) {
      return {offset_in_payload(name.data()), static_cast<std::uint32_t>(name.size()), false};
    }
    const std::size_t offset = claims_.decoded_.size();
    claims_.decoded_ += name;
    return {static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(name.size()), true};
  }

  std::uint32_t offset_in_payload(const char* p) const noexcept {
    return static_cast<std::uint32_t>(p - claims_.payload_.data());
  }

  // RFC 7519 §2: a NumericDate is a JSON number, integer or not.
  bool numeric_date(std::string_view name, const JsonValue& value, Rounding rounding,
                    std::optional<std::int64_t>& out) {
    if (value.kind != JsonKind::number) return reject(wrong_type(name, "a NumericDate (a JSON number)"));
    out = json_to_seconds(value.raw, rounding);
    return true;
  }

  bool string(std::string_view name, const JsonValue& value, Claims::Span& out) {
    if (value.kind != JsonKind::string) return reject(wrong_type(name, "a string"));
    out = record(value);
    return true;
  }

  // RFC 7519 §4.1.3: a string, or an array of strings.
  bool audience(const JsonValue& value) {
    claims_.has_audience_ = true;
    if (value.kind == JsonKind::string) {
      add_audience(value);
      return true;
    }
    if (value.kind != JsonKind::array) return reject(wrong_type("aud", "a string or an array of strings"));
    AudienceVisitor elements(*this);
    JsonScanner scanner;
    scanner.scan(value.raw, &elements);  // already validated: only the visitor can stop it
    return true;
  }

  Claims& claims_;
};

bool ClaimsAccess::AudienceVisitor::element(const JsonValue& value) {
  if (value.kind != JsonKind::string) {
    payload_.reject(wrong_type("aud", "a string or an array of strings"));
    return false;
  }
  payload_.add_audience(value);
  return true;
}

Result<JoseHeader> ClaimsAccess::read_header(std::string_view header_json, JsonScanner& scanner, Claims& claims) {
  JoseHeader header;
  HeaderVisitor visitor(claims, header);
  if (auto scanned = scan_json_object(scanner, header_json, &visitor, "header"); !scanned) {
    return scanned.error();
  }
  return header;
}

void ClaimsAccess::set_header_strings(Claims& claims, const std::optional<std::string>& type,
                                      const std::optional<std::string>& key_id) {
  const auto copy = [&claims](const std::string& text) {
    const std::size_t offset = claims.decoded_.size();
    claims.decoded_ += text;
    return Claims::Span{static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(text.size()), true};
  };
  if (type) claims.type_ = copy(*type);
  if (key_id) claims.key_id_ = copy(*key_id);
}

Result<void> ClaimsAccess::read_payload(JsonScanner& scanner, Claims& claims) {
  PayloadVisitor visitor(claims);
  if (auto scanned = scan_json_object(scanner, claims.payload_, &visitor, "payload"); !scanned) {
    return scanned;
  }
  if (visitor.error) return std::move(*visitor.error);
  return {};
}

}  // namespace authcore::detail
