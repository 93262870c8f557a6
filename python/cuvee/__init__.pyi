from cuvee._cuvee import Batch as Batch
from cuvee._cuvee import Domains as Domains
from cuvee._cuvee import Error as Error
from cuvee._cuvee import MixedSampler as MixedSampler
from cuvee._cuvee import Policy as Policy
from cuvee._cuvee import policy_names as policy_names
from cuvee import laws as laws
from cuvee import mix as mix

__all__: list[str]
