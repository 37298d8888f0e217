// Catch2 v2 has no Catch2WithMain target; its main() lives here, once.
#define CATCH_CONFIG_MAIN
#include "support/catch.hpp"
