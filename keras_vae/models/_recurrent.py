"""What the recurrent models share: cuDNN-eligible LSTM stacks, the sequence decoder, and
the checks of sequence inputs. Private: users meet only the public classes."""

from __future__ import annotations

import keras
from keras import ops

from keras_vae.checks import check_array, check_positive_int, check_seed, check_sizes
from keras_vae.training import GenerativeModel

# Keras runs an LSTM with the fused cuDNN kernel on a GPU only when all of these hold (see
# `keras.layers.LSTM`'s docstring). Every LSTM in keras_vae is built with them, and
# `tests/test_recurrent.py` checks each layer against this table.
CUDNN_LSTM_ARGUMENTS = {
    "activation": "tanh",
    "recurrent_activation": "sigmoid",
    "recurrent_dropout": 0.0,
    "unroll": False,
    "use_bias": True,
}


def seeded(initializer, seed: int | None, index: int):
    """A Keras initializer seeded per layer when the model has a seed."""
    return initializer(seed=None if seed is None else seed + index)


def lstm(units: int, name: str, seed: int | None, index: int, **kwargs):
    """An LSTM layer on the cuDNN path (see `CUDNN_LSTM_ARGUMENTS`), seeded."""
    return keras.layers.LSTM(
        units,
        kernel_initializer=seeded(keras.initializers.GlorotUniform, seed, index),
        recurrent_initializer=seeded(keras.initializers.Orthogonal, seed, index),
        name=name,
        **CUDNN_LSTM_ARGUMENTS,
        **kwargs,
    )


def dense(units: int, name: str, seed: int | None, index: int, zeros: bool = False, **kwargs):
    """A Dense layer with a seeded Glorot-uniform kernel, or an all-zero one (`zeros=True`)."""
    initializer = "zeros" if zeros else seeded(keras.initializers.GlorotUniform, seed, index)
    return keras.layers.Dense(units, kernel_initializer=initializer, name=name, **kwargs)


def build_lstm_encoder(
    sequence_length, num_features, hidden_dims, heads, seed, name="encoder", layer_prefix="encoder_lstm"
):
    """`(batch, T, F)` -> stacked LSTMs -> last hidden state -> one linear Dense per head.

    All but the last LSTM return sequences (the next one needs a sequence); the last returns
    its final hidden state, a summary of the whole sequence. Heads are float32.
    """
    inputs = keras.Input(shape=(sequence_length, num_features), name="x")
    h = inputs
    for i, units in enumerate(hidden_dims):
        last = i == len(hidden_dims) - 1
        h = lstm(units, f"{layer_prefix}_{i}", seed, i, return_sequences=not last)(h)
    outputs = [
        dense(units, head, seed, len(hidden_dims) + j, dtype="float32")(h)
        for j, (head, units) in enumerate(heads.items())
    ]  # each (batch, units)
    return keras.Model(inputs, outputs if len(outputs) > 1 else outputs[0], name=name)


class SequenceDecoder:
    """Layers that turn a code `z` into a sequence, usable whole or one step at a time.

    `z` sets each LSTM's initial state (through a tanh Dense) and is also an input at every
    step, so the code cannot be forgotten over a long sequence. With
    `autoregressive=True` each step also reads the previous step's values (teacher forcing
    while training, the decoder's own means while generating).

    `model` is the functional decoder `[z] or [z, previous] -> outputs (batch, T, F)`;
    `initial_states` maps z to the LSTMs' states; `step` runs one time step. The three share
    their layers, so they share their weights.
    """

    def __init__(
        self, latent_dim, sequence_length, num_features, hidden_dims, seed, autoregressive, offset=100,
        zero_outputs=False,
    ):
        self.sequence_length = sequence_length
        self.num_features = num_features
        self.hidden_dims = hidden_dims
        self.autoregressive = autoregressive
        self.state_layers = [
            dense(2 * units, f"decoder_state_{i}", seed, offset + i, activation="tanh")
            for i, units in enumerate(hidden_dims)
        ]
        n = len(hidden_dims)
        self.lstms = [
            lstm(units, f"decoder_lstm_{i}", seed, offset + n + i, return_sequences=True, return_state=True)
            for i, units in enumerate(hidden_dims)
        ]
        # `zero_outputs`: the decoder starts by outputting 0 (e.g. the difference from a mean).
        self.output_layer = dense(
            num_features, "decoder_outputs", seed, offset + 2 * n, zeros=zero_outputs, dtype="float32"
        )

        z = keras.Input(shape=(latent_dim,), name="z")
        states = self._states_from_code(z)
        self.initial_states = keras.Model(z, states, name="decoder_initial_states")
        previous = keras.Input(shape=(sequence_length, num_features), name="previous")
        outputs, _ = self._run(z, previous, states, sequence_length)
        inputs = [z, previous] if autoregressive else z
        self.model = keras.Model(inputs, outputs, name="decoder")
        # One step: z, the previous values (batch, 1, F) and every LSTM's [h, c].
        previous_step = keras.Input(shape=(1, num_features), name="previous_step")
        state_inputs = [keras.Input(shape=(units,), name=f"state_{i}_{k}")
                        for i, units in enumerate(hidden_dims) for k in "hc"]
        step_states = [state_inputs[2 * i : 2 * i + 2] for i in range(n)]
        step_outputs, new_states = self._run(z, previous_step, step_states, 1)
        self.step = keras.Model(
            [z, previous_step, *state_inputs], [step_outputs, *[t for s in new_states for t in s]],
            name="decoder_step",
        )

    def _states_from_code(self, z):
        states = []
        for layer, units in zip(self.state_layers, self.hidden_dims, strict=True):
            hc = layer(z)  # (batch, 2 * units)
            states.append([hc[:, :units], hc[:, units:]])
        return states

    def _run(self, z, previous, states, length):
        h = ops.repeat(ops.expand_dims(z, 1), length, axis=1)  # (batch, length, latent_dim)
        if self.autoregressive:
            h = ops.concatenate([h, ops.cast(previous, h.dtype)], axis=-1)
        new_states = []
        for layer, state in zip(self.lstms, states, strict=True):
            h, state_h, state_c = layer(h, initial_state=state)
            new_states.append([state_h, state_c])
        return self.output_layer(h), new_states  # (batch, length, F)

    def layers(self):
        return [*self.state_layers, *self.lstms, self.output_layer]


def shift_right(x):
    """`previous[:, t] = x[:, t - 1]`, zeros at t = 0: the decoder's teacher-forcing input."""
    return ops.pad(x[:, :-1], ((0, 0), (1, 0), (0, 0)))


def check_recurrent_arguments(sequence_length, num_features, hidden_dims, seed):
    """The recurrent models' common arguments, checked: `(sequence_length, num_features,
    hidden_dims, seed)`, with at least one LSTM size."""
    sequence_length = check_positive_int(sequence_length, "sequence_length")
    num_features = check_positive_int(num_features, "num_features")
    hidden_dims = check_sizes(hidden_dims, "hidden_dims")
    if not hidden_dims:
        raise ValueError(
            "`hidden_dims` must list at least one LSTM size, e.g. (64,). "
            f"Received: hidden_dims={hidden_dims!r}"
        )
    return sequence_length, num_features, hidden_dims, check_seed(seed, optional=True)


def recurrent_config(model):
    """The recurrent models' common arguments as `get_config` saves them."""
    return {
        "sequence_length": model.sequence_length,
        "num_features": model.num_features,
        "hidden_dims": model.hidden_dims,
        "seed": model.seed,
    }


class RecurrentModel(GenerativeModel):
    """Shared base of `LSTMForecaster` and `SequenceGAN`: sequence shape, seeds, checks of
    sequences. (The recurrent autoencoders build networks for `Autoencoder` and `VAE`.)"""

    #: How `callbacks.SampleMonitor` lays out `_preview`'s arrays: as sequences.
    preview_kind = "sequences"

    def __init__(self, sequence_length, num_features, hidden_dims, seed, **kwargs):
        sequence_length, num_features, hidden_dims, seed = check_recurrent_arguments(
            sequence_length, num_features, hidden_dims, seed
        )
        super().__init__(**kwargs)
        self.sequence_length = sequence_length
        self.num_features = num_features
        self.hidden_dims = hidden_dims
        self.seed = seed

    @property
    def example_shape(self):
        return (self.sequence_length, self.num_features)

    def _check_x(self, x, name="x"):
        return check_array(x, name, example_shape=self.example_shape, owner=type(self).__name__)

    def get_config(self):
        return {**super().get_config(), **recurrent_config(self)}
