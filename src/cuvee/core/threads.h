// How many threads cuvee uses by default: the cores this process may run on (its CPU
// affinity), overridden by CUVEE_THREADS.
#pragma once

namespace cuvee {

int available_cores();
int default_threads();

}  // namespace cuvee
