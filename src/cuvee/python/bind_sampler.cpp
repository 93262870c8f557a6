// cuvee.Domains and cuvee.MixedSampler: the trainer's sampler (sampling/mixed_sampler.h) over
// memory-mapped token files, its batches as NumPy arrays.
#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "cuvee/core/error.h"
#include "cuvee/python/bindings.h"
#include "cuvee/python/domains.h"
#include "cuvee/python/json_convert.h"
#include "cuvee/sampling/mixed_sampler.h"
#include "cuvee/sampling/token_windows.h"

namespace py = pybind11;

namespace cuvee::python {

PyDomains::PyDomains(const std::vector<std::filesystem::path>& paths)
    : domains_(open_domains(paths)) {
  for (const auto& d : domains_) names_.push_back(d->name());
}

size_t PyDomains::index(const std::string& name) const {
  auto it = std::find(names_.begin(), names_.end(), name);
  if (it == names_.end()) fail("no domain '{}' (found: {})", name, fmt::join(names_, ", "));
  return static_cast<size_t>(it - names_.begin());
}

std::vector<uint64_t> PyDomains::train_tokens() const {
  std::vector<uint64_t> tokens;
  for (const auto& d : domains_) tokens.push_back(d->train().tokens());
  return tokens;
}

namespace {

const IndexedDataset& split_data(const Domain& domain, const std::string& split) {
  return domain.split(parse_split(split, "split"));
}

py::dtype numpy_dtype(DType dtype) {
  switch (dtype) {
    case DType::kUInt8:
      return py::dtype::of<uint8_t>();
    case DType::kInt8:
      return py::dtype::of<int8_t>();
    case DType::kInt16:
      return py::dtype::of<int16_t>();
    case DType::kInt32:
      return py::dtype::of<int32_t>();
    case DType::kInt64:
      return py::dtype::of<int64_t>();
    case DType::kFloat64:
      return py::dtype::of<double>();
    case DType::kFloat32:
      return py::dtype::of<float>();
    case DType::kUInt16:
      return py::dtype::of<uint16_t>();
  }
  fail("unknown token dtype");
}

// A read-only view of `count` tokens of `data` from `start`, kept alive by `owner`.
py::array token_view(const IndexedDataset& data, uint64_t start, uint64_t count,
                     const py::object& owner) {
  const size_t width = dtype_size(data.dtype());
  py::array view(numpy_dtype(data.dtype()), {static_cast<py::ssize_t>(count)},
                 {static_cast<py::ssize_t>(width)}, data.bin().data() + start * width, owner);
  view.attr("setflags")(py::arg("write") = false);
  return view;
}

struct PyBatch {
  uint64_t step = 0;
  py::array tokens;
  py::array_t<uint32_t> domains;
  py::array_t<uint64_t> sequences;
  py::array_t<uint64_t> epochs;
};

class PySampler {
 public:
  PySampler(py::object domains, uint64_t seq_len, size_t batch_size, uint64_t seed,
            const std::string& dtype)
      : owner_(std::move(domains)),
        domains_(&owner_.cast<const PyDomains&>()),
        batch_size_(batch_size),
        seed_(seed) {
    if (batch_size == 0) fail("batch_size must be at least 1");
    if (dtype != "int64" && dtype != "int32") {
      fail("dtype '{}': expected 'int64' or 'int32'", dtype);
    }
    int64_ = dtype == "int64";
    std::vector<uint64_t> sequences;
    for (size_t i = 0; i < domains_->size(); ++i) {
      windows_.emplace_back(domains_->at(i).train(), seq_len);
      // As `cuvee sample`: a domain shorter than one window may stay in the set as long as no
      // step draws from it (weight 0); drawing from it is an error below.
      sequences.push_back(std::max<uint64_t>(1, windows_.back().count()));
    }
    sampler_ = std::make_unique<MixedSampler>(std::move(sequences), seed);
  }

  uint64_t seq_len() const { return windows_.front().seq_len(); }
  size_t batch_size() const { return batch_size_; }
  uint64_t seed() const { return seed_; }
  const PyDomains& domains() const { return *domains_; }

  PyBatch next(const py::handle& weights, int rank, int world, const py::object& out) {
    auto w = weight_vector(weights);
    if (world < 1 || rank < 0 || rank >= world) {
      fail("rank {} of world size {} is not a valid rank", rank, world);
    }
    if (batch_size_ % static_cast<size_t>(world) != 0) {
      fail("batch_size {} does not split evenly over {} ranks", batch_size_, world);
    }
    const size_t local = batch_size_ / static_cast<size_t>(world);
    const size_t width = seq_len() + 1;
    PyBatch batch;
    batch.step = sampler_->state().step;
    std::vector<Draw> draws = sampler_->next(w, batch_size_);
    std::span<const Draw> mine(draws.data() + static_cast<size_t>(rank) * local, local);
    for (const auto& draw : mine) {
      if (windows_[draw.domain].count() == 0) {
        fail("domain '{}' has {} tokens, fewer than one sequence of {} + 1",
             domains_->names()[draw.domain], domains_->at(draw.domain).train().tokens(), seq_len());
      }
    }
    batch.tokens = out.is_none() ? make_tokens(local, width) : check_out(out, local, width);
    batch.domains = py::array_t<uint32_t>(static_cast<py::ssize_t>(local));
    batch.sequences = py::array_t<uint64_t>(static_cast<py::ssize_t>(local));
    batch.epochs = py::array_t<uint64_t>(static_cast<py::ssize_t>(local));
    auto* domain_out = batch.domains.mutable_data();
    auto* sequence_out = batch.sequences.mutable_data();
    auto* epoch_out = batch.epochs.mutable_data();
    for (size_t j = 0; j < local; ++j) {
      domain_out[j] = mine[j].domain;
      sequence_out[j] = mine[j].sequence;
      epoch_out[j] = mine[j].epoch;
    }
    // Straight from the memory map into the batch: one copy, the type conversion included.
    void* data = batch.tokens.mutable_data();
    {
      py::gil_scoped_release release;
      for (size_t j = 0; j < local; ++j) {
        const auto& windows = windows_[mine[j].domain];
        if (int64_) {
          windows.read(mine[j].sequence, static_cast<int64_t*>(data) + j * width);
        } else {
          windows.read(mine[j].sequence, static_cast<int32_t*>(data) + j * width);
        }
      }
    }
    return batch;
  }

  // Advances one step as next() would, reading no tokens; returns the slots' domains.
  py::array_t<uint32_t> skip(const py::handle& weights) {
    auto w = weight_vector(weights);
    std::vector<Draw> draws = sampler_->next(w, batch_size_);
    py::array_t<uint32_t> domains(static_cast<py::ssize_t>(draws.size()));
    for (size_t j = 0; j < draws.size(); ++j) domains.mutable_data()[j] = draws[j].domain;
    return domains;
  }

  py::dict state() const {
    const auto& s = sampler_->state();
    py::dict d;
    d["step"] = s.step;
    d["consumed"] = s.consumed;
    return d;
  }

  void load_state(const py::dict& state) {
    SamplerState s;
    try {
      s.step = state["step"].cast<uint64_t>();
      s.consumed = state["consumed"].cast<std::vector<uint64_t>>();
    } catch (const py::error_already_set&) {
      fail("sampler state: expected {{'step': int, 'consumed': [int per domain]}}, got {}",
           std::string(py::repr(state)));
    } catch (const py::cast_error&) {
      fail("sampler state: expected {{'step': int, 'consumed': [int per domain]}}, got {}",
           std::string(py::repr(state)));
    }
    sampler_->restore(s);
  }

  std::vector<double> epochs() const {
    std::vector<double> e;
    for (size_t i = 0; i < domains_->size(); ++i) {
      e.push_back(sampler_->epochs(static_cast<uint32_t>(i)));
    }
    return e;
  }

 private:
  std::vector<double> weight_vector(const py::handle& weights) const {
    using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;
    Array array;
    try {
      array = Array::ensure(weights);
    } catch (const py::error_already_set&) {
    }
    if (!array || array.ndim() != 1 || static_cast<size_t>(array.size()) != domains_->size()) {
      fail("weights: expected {} numbers (one per domain, in Domains order), got {}",
           domains_->size(), std::string(py::repr(weights)));
    }
    return {array.data(), array.data() + array.size()};
  }

  py::array make_tokens(size_t rows, size_t width) const {
    std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(width)};
    if (int64_) return py::array_t<int64_t>(shape);
    return py::array_t<int32_t>(shape);
  }

  // A caller's buffer (a NumPy array, or a pinned tensor's .numpy()) to fill in place.
  py::array check_out(const py::object& out, size_t rows, size_t width) const {
    if (!py::isinstance<py::array>(out)) fail("out: expected a NumPy array");
    auto array = out.cast<py::array>();
    const auto expected = int64_ ? py::dtype::of<int64_t>() : py::dtype::of<int32_t>();
    if (!array.dtype().is(expected) || array.ndim() != 2 ||
        static_cast<size_t>(array.shape(0)) != rows ||
        static_cast<size_t>(array.shape(1)) != width || !(array.flags() & py::array::c_style) ||
        !array.writeable()) {
      fail("out: expected a writeable C-contiguous {} array of shape ({}, {}), got {} of shape {}",
           int64_ ? "int64" : "int32", rows, width, std::string(py::str(array.dtype())),
           std::string(py::str(out.attr("shape"))));
    }
    return array;
  }

  py::object owner_;  // the Domains object, kept alive
  const PyDomains* domains_;
  size_t batch_size_;
  uint64_t seed_;
  bool int64_ = true;
  std::vector<TokenWindows> windows_;
  std::unique_ptr<MixedSampler> sampler_;
};

}  // namespace

void bind_sampler(py::module_& module) {
  py::class_<PyDomains>(module, "Domains", R"(Tokenised domains, as `cuvee import` writes them.

Domains(paths)

paths: a domain folder or a folder of domains, or a list of them (as the
trainer's data.paths). Domains are sorted by name, the trainer's order. The
Megatron .bin/.idx token files are memory-mapped: opening costs nothing until
tokens are read.)")
      .def(py::init([](const py::object& paths) {
             if (py::isinstance<py::str>(paths) || py::hasattr(paths, "__fspath__")) {
               return std::make_unique<PyDomains>(
                   std::vector<std::filesystem::path>{paths.cast<std::filesystem::path>()});
             }
             return std::make_unique<PyDomains>(paths.cast<std::vector<std::filesystem::path>>());
           }),
           py::arg("paths"))
      .def_property_readonly("names", &PyDomains::names, "The domain names, sorted.")
      .def_property_readonly("train_tokens", &PyDomains::train_tokens,
                             "Training tokens of each domain (their natural proportions).")
      .def_property_readonly(
          "vocab_size", [](const PyDomains& d) { return d.at(0).manifest().tokenizer.vocab_size; },
          "The shared tokenizer's vocabulary size.")
      .def_property_readonly(
          "eos_id", [](const PyDomains& d) { return d.at(0).manifest().tokenizer.eos_id; },
          "The end-of-document id that separates documents in the token stream.")
      .def("__len__", &PyDomains::size)
      .def_property_readonly(
          "dirs",
          [](const PyDomains& d) {
            std::vector<std::filesystem::path> dirs;
            for (size_t i = 0; i < d.size(); ++i) dirs.push_back(d.at(i).dir());
            return dirs;
          },
          "The domain folders, in names order.")
      // Pickled as its folders (reopened on load), so DataLoader workers started by spawn get
      // their own maps.
      .def(py::pickle(
          [](const PyDomains& d) {
            std::vector<std::string> dirs;
            for (size_t i = 0; i < d.size(); ++i) dirs.push_back(d.at(i).dir().string());
            return py::make_tuple(dirs);
          },
          [](const py::tuple& state) {
            auto dirs = state[0].cast<std::vector<std::filesystem::path>>();
            return std::make_unique<PyDomains>(dirs);
          }))
      .def(
          "path",
          [](const PyDomains& d, const std::string& name, const std::string& split) {
            return split_data(d.at(d.index(name)), split).prefix();
          },
          py::arg("name"), py::arg("split") = "train",
          "The Megatron prefix (PREFIX.bin, PREFIX.idx) of a domain's split: 'train', "
          "'validation' (held out, for whatever steers) or 'test' (held out, only to score).")
      .def(
          "tokens",
          [](const py::object& self, const std::string& name, const std::string& split) {
            const auto& d = self.cast<const PyDomains&>();
            const auto& data = split_data(d.at(d.index(name)), split);
            return token_view(data, 0, data.tokens(), self);
          },
          py::arg("name"), py::arg("split") = "train",
          "The whole token stream of a domain's split: a read-only NumPy view of the memory "
          "map, in the file's dtype (no copy).")
      .def(
          "windows",
          [](const PyDomains& d, uint64_t seq_len, const std::string& split) {
            std::vector<uint64_t> counts;
            for (size_t i = 0; i < d.size(); ++i) {
              counts.push_back(TokenWindows(split_data(d.at(i), split), seq_len).count());
            }
            return counts;
          },
          py::arg("seq_len"), py::arg("split") = "train",
          "How many sequences of seq_len + 1 tokens each domain's split holds.")
      .def(
          "window",
          [](const py::object& self, const std::string& name, uint64_t seq_len, uint64_t index,
             const std::string& split) {
            const auto& d = self.cast<const PyDomains&>();
            const auto& data = split_data(d.at(d.index(name)), split);
            TokenWindows windows(data, seq_len);
            if (index >= windows.count()) {
              fail("{}: window {} requested, it has {}", data.prefix().string(), index,
                   windows.count());
            }
            return token_view(data, index * seq_len, seq_len + 1, self);
          },
          py::arg("name"), py::arg("seq_len"), py::arg("index"), py::arg("split") = "train",
          "Sequence `index` of a domain (tokens [index*seq_len, index*seq_len + seq_len]): a "
          "read-only view of the memory map (no copy).")
      .def("__repr__", [](const PyDomains& d) {
        return fmt::format("cuvee.Domains([{}])", fmt::join(d.names(), ", "));
      });

  py::class_<PyBatch>(module, "Batch",
                      "One step's sequences: tokens [b, seq_len + 1] (inputs tokens[:, :-1], "
                      "targets tokens[:, 1:]), the domain index of each row, the sequence "
                      "index within its domain, its epoch, and the sampler step (from 0).")
      .def_readonly("step", &PyBatch::step)
      .def_readonly("tokens", &PyBatch::tokens)
      .def_readonly("domains", &PyBatch::domains)
      .def_readonly("sequences", &PyBatch::sequences)
      .def_readonly("epochs", &PyBatch::epochs)
      .def("__repr__", [](const PyBatch& b) {
        return fmt::format("cuvee.Batch(step={}, tokens {}x{})", b.step, b.tokens.shape(0),
                           b.tokens.shape(1));
      });

  py::class_<PySampler>(module, "MixedSampler", R"(The trainer's mixed sampler, over cuvee.Domains.

MixedSampler(domains, seq_len, batch_size, seed, *, dtype="int64")

Step t's batch of batch_size sequences (seq_len + 1 tokens each) is decided
by (seed, t, the step's weights): every domain gets floor(B*w) or ceil(B*w)
slots (systematic sampling), the slots are shuffled, and each domain's
sequences come in a seeded permutation per epoch, so nothing repeats before
a domain is exhausted (docs/sampling.md). The same seed and weights give
the batches of `cuvee sample` and of the C++ trainer. The state is the next
step and the sequences consumed per domain (state()/load_state()).)")
      .def(py::init<py::object, uint64_t, size_t, uint64_t, const std::string&>(),
           py::arg("domains"), py::arg("seq_len"), py::arg("batch_size"), py::arg("seed"),
           py::kw_only(), py::arg("dtype") = "int64")
      .def_property_readonly("seq_len", &PySampler::seq_len)
      .def_property_readonly("batch_size", &PySampler::batch_size)
      .def_property_readonly("seed", &PySampler::seed)
      .def("next", &PySampler::next, py::arg("weights"), py::kw_only(), py::arg("rank") = 0,
           py::arg("world") = 1, py::arg("out") = py::none(),
           R"(Draw the next step under `weights` (one per domain, summing to 1).

Returns a Batch. With world > 1, only rank's contiguous slice of the global
batch (batch_size / world rows) is read, as each data-parallel rank of the
trainer trains. `out`: a C-contiguous array of the batch's shape and dtype to
fill instead of a new one (e.g. a pinned tensor's .numpy()).)")
      .def("skip", &PySampler::skip, py::arg("weights"),
           "Advance one step exactly as next() would, reading no tokens; returns the domain of "
           "every slot of the global batch.")
      .def("state", &PySampler::state,
           "{'step': the next step (from 0), 'consumed': sequences drawn per domain}.")
      .def("load_state", &PySampler::load_state, py::arg("state"),
           "Restore a state() (resume exactly where it was taken).")
      .def("epochs", &PySampler::epochs, "Completed passes over each domain (a real number).")
      .def_static(
          "slot_domains",
          [](uint64_t seed, uint64_t step, std::vector<double> weights, size_t batch_size) {
            return MixedSampler::slot_domains(seed, step, weights, batch_size);
          },
          py::arg("seed"), py::arg("step"), py::arg("weights"), py::arg("batch_size"),
          "The domain of each slot of step `step`: a pure function of its arguments.");
}

}  // namespace cuvee::python
