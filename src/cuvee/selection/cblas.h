// OpenBLAS's C interface. The generic cblas.h Debian installs has no extern "C" guard.
#pragma once

extern "C" {
#include <cblas.h>  // NOLINT: the system header, found through CBLAS_INCLUDE_DIR
}
