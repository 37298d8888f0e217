// authcore/authcore.hpp: umbrella header; includes every public header of
// the core target (the SQLite and PostgreSQL stores have their own targets
// and are included one by one).
#ifndef AUTHCORE_AUTHCORE_HPP
#define AUTHCORE_AUTHCORE_HPP

#include "authcore/authenticator.hpp"
#include "authcore/bearer.hpp"
#include "authcore/claims.hpp"
#include "authcore/clock.hpp"
#include "authcore/dangerous.hpp"
#include "authcore/error.hpp"
#include "authcore/hash_gate.hpp"
#include "authcore/hmac_key.hpp"
#include "authcore/login_throttle.hpp"
#include "authcore/memory_user_store.hpp"
#include "authcore/password_hasher.hpp"
#include "authcore/result.hpp"
#include "authcore/scope.hpp"
#include "authcore/secret.hpp"
#include "authcore/token_issuer.hpp"
#include "authcore/token_verifier.hpp"
#include "authcore/user_store.hpp"
#include "authcore/version.hpp"

#endif  // AUTHCORE_AUTHCORE_HPP
