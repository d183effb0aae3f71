"""Training jobs that `tests/test_fault_tolerance.py` runs in fresh processes.

Not a test module (the leading underscore keeps pytest from collecting it). Run it with the
test suite's interpreter and the checkout on `PYTHONPATH`:

    python tests/_training_job.py resume OUT BACKUP_DIR KEY [KEY ...] [--block-at EPOCH BATCH MARKER]
    python tests/_training_job.py repeat OUT [--twice KEY ...] [--once KEY ...]
    python tests/_training_job.py worker OUT KEY [KEY ...]   # a MultiWorkerMirroredStrategy worker

KEY names a config of `tests/test_models.py`'s CONFIGS. Every job writes one `.npz` file
with, per model, `<KEY>/var:<index>` for each variable of the model and of its optimizers
(seed generator states and step counters included), `<KEY>/paths` (their paths),
`<KEY>/log:<name>` for each history entry and `<KEY>/epochs` (the epoch indices this `fit`
ran); `repeat` writes `<KEY>/<run>/...` for each run. `resume` and `repeat` train as a user
who wants reproducible runs would (`seeded_train`); `worker` trains without shuffling.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# `test_models` (the table of tiny configs and its helpers) lives next to this file.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

#: The run every job trains: 24 examples in batches of 8 (3 steps per epoch), 2 epochs.
#: Short on purpose: tracing the train step, not the steps, dominates a job's time.
NUM_EXAMPLES = 24
BATCH_SIZE = 8
EPOCHS = 2
SEED = 1234  # for keras.utils.set_random_seed (the models have their own seed, 0)
BLOCK_SECONDS = 600  # a blocked job exits by itself after this, should its test be gone


def state_of(model, history):
    """The arrays a job reports: every variable, the history, the epochs run."""
    import numpy as np
    from test_models import optimizers_of

    variables = list(model.variables)
    for optimizer in optimizers_of(model):
        variables += list(optimizer.variables)
    # Indexed, not keyed by path: Keras numbers some paths per process ("seed_generator_3").
    state = {f"var:{i:03d}": np.asarray(v.numpy()) for i, v in enumerate(variables)}
    state["paths"] = np.asarray([v.path for v in variables])
    state.update({f"log:{name}": np.asarray(values) for name, values in history.history.items()})
    state["epochs"] = np.asarray(history.epoch)
    return state


def train(key, callbacks=(), shuffle=False, strategy=None):
    """Builds, compiles and fits model `key` of `test_models.CONFIGS`; returns `state_of` it.

    With a `strategy`, the model is built and compiled in its scope; `BATCH_SIZE` is then
    the global batch, split between the replicas.
    """
    from test_models import compile_model, data_for, make, targets_for

    with strategy.scope() if strategy else contextlib.nullcontext():
        model = make(key)
        compile_model(model)
    x, y = data_for(model, NUM_EXAMPLES), targets_for(model, NUM_EXAMPLES)
    history = model.fit(
        x, y, batch_size=BATCH_SIZE, epochs=EPOCHS, shuffle=shuffle, callbacks=list(callbacks), verbose=0
    )
    return state_of(model, history)


def seeded_train(key, callbacks=()):
    """`train` as a user makes it reproducible: global seed first, then `fit(shuffle=True)`."""
    import keras

    keras.utils.set_random_seed(SEED)
    return train(key, callbacks, shuffle=True)


def _prefixed(prefix, state):
    return {f"{prefix}/{name}": value for name, value in state.items()}


def _write_atomically(path, write):
    """`write(temporary_path)`, then renames: a reader never sees half a file."""
    temporary = f"{path}.tmp{os.path.splitext(path)[1]}"
    write(temporary)
    os.replace(temporary, path)


def _save(path, state):
    import numpy as np

    _write_atomically(path, lambda temporary: np.savez(temporary, **state))


def _block_callback(epoch, batch, marker):
    """After `batch` of `epoch` (zero-based), writes `marker` and waits to be killed.

    Only once: when `marker` exists the callback does nothing, so the restarted job runs
    with the same command and does not block again.
    """
    import keras

    def write(path):
        with open(path, "w") as f:
            json.dump({"epoch": epoch, "batch": batch, "pid": os.getpid()}, f)

    class BlockAt(keras.callbacks.Callback):
        def on_epoch_begin(self, current, logs=None):
            self.epoch = current

        def on_train_batch_end(self, current, logs=None):
            if (self.epoch, current) != (epoch, batch) or os.path.exists(marker):
                return
            _write_atomically(marker, write)
            time.sleep(BLOCK_SECONDS)  # the test sends SIGKILL long before
            os._exit(3)

    return BlockAt()


def resume(args):
    """`seeded_train` runs with `BackupAndRestore` (a backup folder per model), may block."""
    import keras

    state = {}
    for key in args.keys:
        # The default save_freq="epoch": a backup at the end of every epoch.
        callbacks = [keras.callbacks.BackupAndRestore(os.path.join(args.backup_dir, key))]
        if args.block_at:
            epoch, batch, marker = args.block_at
            callbacks.append(_block_callback(int(epoch), int(batch), marker))
        state.update(_prefixed(key, seeded_train(key, callbacks)))
    _save(args.out, state)


def repeat(args):
    """`seeded_train` runs: twice in a row for `--twice` keys, once for `--once` keys."""
    state = {}
    for key, runs in [(key, 2) for key in args.twice] + [(key, 1) for key in args.once]:
        for run in range(runs):
            state.update(_prefixed(f"{key}/{run}", seeded_train(key)))
    _save(args.out, state)


def worker(args):
    """One worker of a `MultiWorkerMirroredStrategy` cluster described by `TF_CONFIG`."""
    import tensorflow as tf

    # Before anything else runs TensorFlow ops: the strategy sets up the collectives.
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    state = {"replicas": strategy.num_replicas_in_sync}
    for key in args.keys:
        state.update(_prefixed(key, train(key, strategy=strategy)))
    _save(args.out, state)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    jobs = parser.add_subparsers(dest="job", required=True)
    p = jobs.add_parser("resume")
    p.add_argument("out")
    p.add_argument("backup_dir")
    p.add_argument("keys", nargs="+")
    p.add_argument("--block-at", nargs=3, metavar=("EPOCH", "BATCH", "MARKER"))
    p.set_defaults(run=resume)
    p = jobs.add_parser("repeat")
    p.add_argument("out")
    p.add_argument("--twice", nargs="*", default=[])
    p.add_argument("--once", nargs="*", default=[])
    p.set_defaults(run=repeat)
    p = jobs.add_parser("worker")
    p.add_argument("out")
    p.add_argument("keys", nargs="+")
    p.set_defaults(run=worker)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
