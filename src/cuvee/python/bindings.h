// The parts of the _cuvee extension module, each defined in its own file.
#pragma once

#include <pybind11/pybind11.h>

namespace cuvee::python {

void bind_policy(pybind11::module_& module);
void bind_sampler(pybind11::module_& module);
void bind_laws(pybind11::module_& module);
void bind_mix(pybind11::module_& module);

}  // namespace cuvee::python
