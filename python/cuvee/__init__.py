"""cuvee: data-mixing decisions for any PyTorch training loop.

- cuvee.Policy: the online mixing policies (ODM, ADO, Velocitune) and the static
  recipes, bit for bit as the C++ trainer runs them;
- cuvee.Domains, cuvee.MixedSampler: batches from memory-mapped Megatron token
  files under any proportions; cuvee.torch.MixedDataset wraps them for a
  DataLoader under torchrun;
- cuvee.laws: mixing laws fitted to observation tables, predictions, optimal mixtures;
- cuvee.mix: mixtures exported to Megatron-LM, GPT-NeoX and Hugging Face datasets.

No libtorch inside: the compiled part works beside any torch version and device.
"""

from cuvee._cuvee import Batch, Domains, Error, MixedSampler, Policy, policy_names
from cuvee import laws, mix

__all__ = ["Batch", "Domains", "Error", "MixedSampler", "Policy", "laws", "mix", "policy_names"]
