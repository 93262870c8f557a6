"""cuvee.mix: mixtures for other training frameworks (`cuvee mix export` in Python).

    cuvee.mix.export({"web": 0.6, "code": 0.4}, "megatron", data="data")
    cuvee.mix.export("runs/odm", "neox", data="data", average=True)
    cuvee.mix.export("mix.json", "hf")

The formats (src/cuvee/mixing/mixture_export.h has the details):

megatron  Megatron-LM's `--data-path w1 prefix1 w2 prefix2 ...` (one line)
neox      GPT-NeoX's train-/valid-/test-data-paths and -weights keys (a YAML config fragment;
          valid and test are the domains' held-out splits)
hf        {"datasets": [domain...], "probabilities": [...]} for datasets.interleave_datasets

Weights are normalised to sum 1; domains of weight 0 are left out.
"""

from __future__ import annotations

import os
from typing import Mapping, Optional, Sequence, Union

from cuvee import _cuvee

__all__ = ["FORMATS", "export", "read"]

FORMATS = tuple(_cuvee._export_formats())

PathLike = Union[str, "os.PathLike[str]"]


def read(mixture: Union[Mapping[str, float], PathLike], *, average: bool = False) -> dict:
    """The mixture as {domain: weight}: a dict as it is, a mixture file (JSON {"d": w}, or
    `cuvee law optimize --out`'s file), or a run folder: the proportions of its last step, or
    with average=True their mean over all its steps."""
    if isinstance(mixture, Mapping):
        if average:
            raise _cuvee.Error("average=True applies to a run folder only")
        return dict(mixture)
    if os.path.isdir(mixture):
        return _cuvee._run_proportions(mixture, average)
    if average:
        raise _cuvee.Error("average=True applies to a run folder only")
    return _cuvee._read_mixture_file(mixture)


def export(mixture: Union[Mapping[str, float], PathLike], format: str,
           data: Optional[Union[PathLike, Sequence[PathLike]]] = None, *,
           average: bool = False) -> str:
    """The text of `cuvee mix export --format FORMAT` for `mixture` (see read()). `data`: the
    domain folders (or folders of domains) whose token files megatron and neox name."""
    if data is None:
        paths = []
    elif isinstance(data, (str, os.PathLike)):
        paths = [data]
    else:
        paths = list(data)
    return _cuvee._export_mixture(read(mixture, average=average), format, paths)
