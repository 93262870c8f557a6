#include "cuvee/train/checkpoint.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/run/run_folder.h"

namespace cuvee {

namespace {

constexpr int kFormatVersion = 1;

// Settings that a resumed run must share with the checkpoint: each changes what a step computes.
const char* const kFixedSettings[] = {
    "seed",
    "model",
    "train.steps",
    "train.batch_size",
    "train.lr",
    "train.min_lr",
    "train.warmup_steps",
    "train.schedule",
    "train.decay_fraction",
    "train.weight_decay",
    "train.beta1",
    "train.beta2",
    "train.eps",
    "train.grad_clip",
    "mixing",
};

const nlohmann::json* lookup(const nlohmann::json& json, const std::string& dotted) {
  const nlohmann::json* node = &json;
  size_t start = 0;
  while (true) {
    size_t dot = dotted.find('.', start);
    auto part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(part)) return nullptr;
    node = &node->at(part);
    if (dot == std::string::npos) return node;
    start = dot + 1;
  }
}

nlohmann::json header_to_json(const CheckpointHeader& header) {
  const RunState& s = header.state;
  return {{"format", "cuvee-checkpoint"},
          {"version", kFormatVersion},
          {"model", header.shape.to_json()},
          {"domains", header.domains},
          {"config", header.config},
          {"step", s.step},
          {"sampler", {{"step", s.sampler.step}, {"consumed", s.sampler.consumed}}},
          {"policy", s.policy},
          {"weights_sum", s.weights_sum},
          {"last_weights", s.last_weights},
          {"weights_changed", s.weights_changed},
          {"metrics_bytes", s.metrics_bytes.first},
          {"observations_bytes", s.metrics_bytes.second}};
}

CheckpointHeader header_from_json(const nlohmann::json& json) {
  CheckpointHeader header;
  header.shape = ModelShape::from_json(json.at("model"));
  header.domains = json.at("domains").get<std::vector<std::string>>();
  header.config = json.at("config");
  RunState& s = header.state;
  s.step = json.at("step").get<uint64_t>();
  s.sampler.step = json.at("sampler").at("step").get<uint64_t>();
  s.sampler.consumed = json.at("sampler").at("consumed").get<std::vector<uint64_t>>();
  s.policy = json.at("policy");
  s.weights_sum = json.at("weights_sum").get<std::vector<double>>();
  s.last_weights = json.at("last_weights").get<std::vector<double>>();
  s.weights_changed = json.at("weights_changed").get<bool>();
  s.metrics_bytes = {json.at("metrics_bytes").get<uint64_t>(),
                     json.at("observations_bytes").get<uint64_t>()};
  return header;
}

// Opens the archive at `path` and reads its header.
CheckpointHeader read_archive(const std::filesystem::path& path, torch::Device device,
                              torch::serialize::InputArchive& archive) {
  std::string bytes = read_file(path);
  try {
    archive.load_from(bytes.data(), bytes.size(), device);
    c10::IValue text;
    archive.read("header", text);
    auto json = nlohmann::json::parse(text.toStringRef());
    if (json.value("format", "") != "cuvee-checkpoint" ||
        json.value("version", 0) != kFormatVersion) {
      fail("{}: not a cuvee checkpoint of version {}", path.string(), kFormatVersion);
    }
    return header_from_json(json);
  } catch (const c10::Error& e) {
    fail("{}: not a readable checkpoint ({})", path.string(), e.what_without_backtrace());
  } catch (const nlohmann::json::exception& e) {
    fail("{}: damaged checkpoint header ({})", path.string(), e.what());
  }
}

}  // namespace

void save_checkpoint(const std::filesystem::path& path, const CheckpointHeader& header, Gpt& model,
                     torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive, optimizer_archive;
  model->save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("header", c10::IValue(header_to_json(header).dump()));
  AtomicFile file(path);
  // libtorch's zip writer cannot take an exception from its sink (its destructor writes the end
  // of the archive again and terminates the program): a failed write (a full disk) is kept, the
  // rest skipped, and the error raised once save_to is done; the temporary then goes.
  std::string failure;
  archive.save_to([&](const void* data, size_t size) {
    if (!failure.empty()) return size;
    try {
      file.write(data, size);
    } catch (const Error& error) {
      failure = error.what();
    }
    return size;
  });
  if (!failure.empty()) throw Error(failure);
  file.commit();
}

CheckpointHeader load_checkpoint(const std::filesystem::path& path, const TrainConfig& config,
                                 const std::vector<std::string>& domains, Gpt& model,
                                 torch::optim::Optimizer& optimizer, torch::Device device) {
  torch::serialize::InputArchive archive;
  CheckpointHeader header = read_archive(path, device, archive);
  if (header.shape != model->shape()) {
    fail("{}: the checkpoint holds a model of {}; the config asks for {}", path.string(),
         header.shape.describe(), model->shape().describe());
  }
  if (header.domains != domains) {
    fail("{}: the checkpoint was trained on domains {}; the data now has {}", path.string(),
         nlohmann::json(header.domains).dump(), nlohmann::json(domains).dump());
  }
  auto now = config.to_json();
  for (const char* key : kFixedSettings) {
    const nlohmann::json* before = lookup(header.config, key);
    const nlohmann::json* after = lookup(now, key);
    if (before == nullptr || after == nullptr || *before != *after) {
      fail(
          "{}: the checkpoint was trained with {} = {}; the config now gives {} (a resumed run "
          "needs the same training settings)",
          path.string(), key, before ? before->dump() : "nothing",
          after ? after->dump() : "nothing");
    }
  }
  try {
    torch::serialize::InputArchive model_archive, optimizer_archive;
    archive.read("model", model_archive);
    archive.read("optimizer", optimizer_archive);
    model->load(model_archive);
    optimizer.load(optimizer_archive);
  } catch (const c10::Error& e) {
    fail("{}: cannot restore the model and optimizer ({})", path.string(),
         e.what_without_backtrace());
  }
  return header;
}

CheckpointModel load_checkpoint_model(const std::filesystem::path& path, torch::Device device,
                                      std::string_view option) {
  if (!std::filesystem::exists(path)) {
    fail(
        "{} {}: no such file or folder (expected a run folder of `cuvee train`, or its "
        "{})",
        option, path.string(), kCheckpointFile);
  }
  CheckpointModel result;
  result.file = std::filesystem::is_directory(path) ? path / kCheckpointFile : path;
  if (!std::filesystem::exists(result.file)) {
    fail("{} {}: no {} in this folder (expected a run folder of `cuvee train`)", option,
         path.string(), kCheckpointFile);
  }
  torch::serialize::InputArchive archive;
  result.header = read_archive(result.file, device, archive);
  result.model = Gpt(result.header.shape);
  // Module::load replaces each tensor by the stored one whatever its shape, so the shapes the
  // header promises are checked after loading.
  std::vector<std::pair<std::string, std::vector<int64_t>>> expected;
  for (const auto& item : result.model->named_parameters())
    expected.emplace_back(item.key(), item.value().sizes().vec());
  try {
    torch::serialize::InputArchive model_archive;
    archive.read("model", model_archive);
    result.model->load(model_archive);
  } catch (const c10::Error& e) {
    fail("{}: cannot restore a model of {} ({})", result.file.string(),
         result.header.shape.describe(), e.what_without_backtrace());
  }
  auto loaded = result.model->named_parameters();
  for (const auto& [name, sizes] : expected) {
    if (loaded[name].sizes().vec() != sizes) {
      fail("{}: weight '{}' has shape {}; a model of {} needs {}", result.file.string(), name,
           nlohmann::json(loaded[name].sizes().vec()).dump(), result.header.shape.describe(),
           nlohmann::json(sizes).dump());
    }
  }
  result.model->to(device);
  result.model->eval();
  return result;
}

}  // namespace cuvee
