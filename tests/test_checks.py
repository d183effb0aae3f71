"""`keras_vae.checks`: the shared argument checks (the tables in `test_bad_inputs.py` cover
them through every public entry point)."""

import numpy as np
import pytest

from keras_vae.checks import MAX_SEED, check_seed


@pytest.mark.parametrize("seed", [0, 7, np.int64(5), np.uint32(9), MAX_SEED])
def test_check_seed_takes_integers_in_range(seed):
    assert check_seed(seed) == int(seed) and type(check_seed(seed)) is int
    assert check_seed(seed, optional=True) == int(seed)


@pytest.mark.parametrize("seed", [-1, MAX_SEED + 1, 1.5, True, "0", None])
def test_check_seed_refuses_the_rest(seed):
    with pytest.raises(ValueError, match=r"`seed` must be an integer in \[0, 2\*\*32 - 1\]. Received: seed="):
        check_seed(seed)


def test_check_seed_optional_none_and_name():
    assert check_seed(None, optional=True) is None
    with pytest.raises(ValueError, match=r"`shuffle_seed` must be None or an integer in .*Received: shuffle_seed=-2"):
        check_seed(-2, "shuffle_seed", optional=True)
