// Internal: the rotation rules of UserStore::rotate(const RotationRequest&)
// (RFC 9700 §4.14.2 with a reuse interval), written once for every
// backend. Each backend reads the session under its lock, asks
// rotation_step(), and applies the answer in the same transaction.
#ifndef AUTHCORE_STORES_ROTATION_RULES_HPP
#define AUTHCORE_STORES_ROTATION_RULES_HPP

#include <string>

#include "authcore/user_store.hpp"

namespace authcore::detail {

enum class RotationStep {
  rotate,   ///< the live token of a live session: spend it for the next pair
  reissue,  ///< the token just rotated away, within the reuse interval: the current pair again
  refuse,   ///< anything else: revoke the session
};

/// What `rotation` does to `session` (as stored, read under the lock).
inline RotationStep rotation_step(const Session& session, const RotationRequest& rotation) {
  if (!session.is_live(rotation.now, rotation.inactivity_timeout)) return RotationStep::refuse;
  if (session.current_jti == rotation.presented_jti) return RotationStep::rotate;
  // Only a pair that rotate(const RotationRequest&) recorded can be issued again.
  const bool just_rotated_away =
      session.previous_jti && *session.previous_jti == rotation.presented_jti && !session.access_jti.empty();
  // Strictly less than the interval ago: an interval of 0 never re-issues.
  if (just_rotated_away && rotation.now - session.last_refreshed_at < rotation.reuse_interval.count()) {
    return RotationStep::reissue;
  }
  return RotationStep::refuse;
}

/// `session` once `rotation` has rotated it.
inline void record_rotation(Session& session, const RotationRequest& rotation) {
  session.previous_jti = std::string(rotation.presented_jti);
  session.current_jti = std::string(rotation.next_jti);
  session.last_refreshed_at = rotation.now;
  session.access_jti = std::string(rotation.next_access_jti);
  session.access_expires_at = rotation.next_access_expires_at;
  session.pair_scope = std::string(rotation.next_scope);
}

}  // namespace authcore::detail

#endif  // AUTHCORE_STORES_ROTATION_RULES_HPP
