// How many threads cuvee uses by default: the cores this process may run on (its CPU
// affinity), unless the environment says otherwise. CUVEE_THREADS wins over OMP_NUM_THREADS
// (the first is cuvee's own; the second is the convention OpenMP programs and libtorch share,
// of which only the first level of a list such as "8,2" applies).
#pragma once

namespace cuvee {

int available_cores();
int default_threads();

}  // namespace cuvee
