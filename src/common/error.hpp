#pragma once
// The library's exception base is part of the public API.
#include "scapredict/error.hpp"
