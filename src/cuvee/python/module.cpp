// _cuvee: the compiled half of the `cuvee` Python package (python/cuvee/ is the other half).
#include <pybind11/pybind11.h>

#include "cuvee/core/error.h"
#include "cuvee/python/bindings.h"

PYBIND11_MODULE(_cuvee, module) {
  module.doc() =
      "cuvee's C++ core: mixing policies, the mixed sampler over Megatron token files, mixing "
      "laws and mixture export. Import `cuvee`, not this module.";
  // Bad input (a misspelt setting, a malformed file, a state of another policy) is a
  // cuvee.Error, a ValueError whose message names the field or file at fault.
  pybind11::register_exception<cuvee::Error>(module, "Error", PyExc_ValueError);
  cuvee::python::bind_policy(module);
  cuvee::python::bind_sampler(module);
  cuvee::python::bind_laws(module);
  cuvee::python::bind_mix(module);
}
