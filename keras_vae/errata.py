"""Errata of the blog articles keras_vae corrects: one structured list, many readers.

The numbered tutorials, the docs page `docs/errata.md` and `tests/test_errata.py` all read
`ERRATA` below. Each entry is an `Erratum`:

- `id`: unique, lowercase, `<article number>-<section number>-<short-name>`, e.g.
  `"002-4.3-kl-outside-tape"`. Its test in `tests/test_errata.py` is `test_<id>` with `-`
  and `.` replaced by `_` (`test_002_4_3_kl_outside_tape`); every entry has exactly one.
- `article`: the seed file name of the article (`"002_99374ef0cbdf6e3a.txt"`).
- `section`: the article's own section heading, verbatim (Chinese), without the leading
  `#`s, so readers can find the place. The section number in `id` is the heading's number
  without a trailing dot (heading `"4. 具体最佳实践：..."` gives `001-4-...`).
- `kind`: `"crash"` (the code raises), `"silent"` (it runs, or only warns, but computes the
  wrong thing) or `"text"` (a wrong statement or formula in the prose).
- `defect`, `tensorflow`, `why`, `fix`: what is wrong (in our own words; no article text is
  quoted), what TensorFlow 2.21 / Keras 3.15 actually does with a minimal reproduction (as
  observed by running it; the test re-runs it), why, and how keras_vae does it instead.
- `tutorials`: the numbered tutorials that show the defect and its fix: `"01"` is the dense
  autoencoder (article 004 §4.1), `"02"` the dense VAE (articles 000, 002, 004 §4.2), `"03"`
  the LSTM forecaster (article 000 §4.2), `"04"` the LSTM autoencoder for anomaly detection,
  `"05"` the LSTM VAE (articles 001 and 003 §4.2), `"06"` the sequence GAN (article 003
  §4.1) and `"07"` the evaluation of generative models (no code of its own: it measures
  the evaluation claims of articles 002 §3.3-3.4 and 004 §4.1).

References used throughout: Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014,
https://arxiv.org/abs/1312.6114 (Eq. 1: log p(x) = ELBO + KL(q(z|x) || p(z|x)); Eq. 3 the
ELBO; §2.4 the reparameterisation trick; Appendix B the closed-form Gaussian KL) and, for
the recurrent and GAN sections, Goodfellow et al., "Generative Adversarial Nets", NeurIPS
2014, https://arxiv.org/abs/1406.2661 (Algorithm 1: alternating updates), Bowman et al.,
"Generating Sentences from a Continuous Space", CoNLL 2016, https://arxiv.org/abs/1511.06349
(an LSTM VAE; KL annealing against posterior collapse) and Bengio, Simard & Frasconi,
"Learning Long-Term Dependencies with Gradient Descent is Difficult", IEEE Transactions on
Neural Networks 5(2), 1994.

Regenerate the docs page with `python -m keras_vae.errata > docs/errata.md`. This module
imports only the standard library (no TensorFlow, no Keras); the tests do the running.
"""

from __future__ import annotations

import dataclasses
import sys

KINDS = ("crash", "silent", "text")

ARTICLES = {
    "000_5fc41156a1ca64e2.txt": "VAEs compared with RNNs (structure and behaviour)",
    "001_54e3f6aded2d2551.txt": "Recurrent variational autoencoders: objective and a Keras example",
    "002_99374ef0cbdf6e3a.txt": "VAE basics: encoder, decoder, reparameterisation, lower bound",
    "003_a6ecadcae4f67a0a.txt": "RNNs in generative models: an LSTM GAN and an LSTM VAE",
    "004_21b0a4fad713f53e.txt": "Autoencoders compared with variational autoencoders",
}

TUTORIALS = {
    "01": "dense autoencoder",
    "02": "dense VAE",
    "03": "LSTM forecaster",
    "04": "LSTM autoencoder for anomaly detection",
    "05": "LSTM VAE",
    "06": "sequence GAN",
    "07": "evaluating generative models",
}


@dataclasses.dataclass(frozen=True)
class Erratum:
    """One defect of one article section; see the module docstring for the fields."""

    id: str
    article: str
    section: str
    kind: str
    defect: str
    tensorflow: str
    why: str
    fix: str
    tutorials: tuple[str, ...]

    @property
    def test_name(self) -> str:
        """Name of this entry's test function in `tests/test_errata.py`."""
        return "test_" + self.id.replace("-", "_").replace(".", "_")


_A000 = "000_5fc41156a1ca64e2.txt"
_A001 = "001_54e3f6aded2d2551.txt"
_A002 = "002_99374ef0cbdf6e3a.txt"
_A003 = "003_a6ecadcae4f67a0a.txt"
_A004 = "004_21b0a4fad713f53e.txt"

_S000_42 = "4.2 循环神经网络（RNNs）"
_S001_3 = "3. 核心算法原理和具体操作步骤以及数学模型公式详细讲解"
_S001_4 = "4. 具体最佳实践：代码实例和详细解释说明"
_S003_41 = "4.1 GAN中RNN的代码实例"
_S003_42 = "4.2 VAE中RNN的代码实例"

_LINEAR_GAUSSIAN = (
    "the 1-D linear-Gaussian model p(z) = N(0, 1), p(x|z) = N(z, 0.25) at x = 1.5, whose "
    "evidence log p(x) = log N(1.5; 0, 1.25) = -1.931 and posterior p(z|x) = N(1.2, 0.2) "
    "are known exactly"
)

ERRATA: tuple[Erratum, ...] = (
    # ------------------------------------------------------------------ article 000
    Erratum(
        id="000-2.1-latent-called-noise",
        article=_A000,
        section="2.1 变分自编码器（VAEs）",
        kind="text",
        defect=(
            "The latent code is repeatedly described as a low-dimensional 'random noise' "
            "representation of the input (also in §1.1, §2.1.1 and §2.1.2). The encoder "
            "outputs the mean and log-variance of q(z|x), a deterministic function of x; the "
            "only noise is the auxiliary epsilon ~ N(0, I) of the reparameterisation, and "
            "z = mu(x) + sigma(x) * epsilon is a code that carries information about x."
        ),
        tensorflow=(
            "Not a TensorFlow behaviour. Checked with keras_vae: over 4096 draws of "
            "`Sampling(seed=0)([z_mean, z_log_var])`, (z - z_mean) / exp(z_log_var / 2) has "
            "mean within 0.02 of 0 and standard deviation within 0.02 of 1 (that is the "
            "noise), while `DenseVAE.encode(x)` returns identical z_mean on repeated calls "
            "and different z_mean for different inputs."
        ),
        why=(
            "Kingma & Welling (2014, §2.4) isolate the randomness in epsilon precisely so that "
            "z depends on x through mu and sigma; calling z 'noise' hides that the decoder has "
            "to read x's information from it."
        ),
        fix=(
            "keras_vae's `DenseVAE.encoder` returns [z_mean, z_log_var] deterministically and "
            "`keras_vae.Sampling` adds the epsilon noise; the tutorials call z the latent code."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="000-3.1.3-kl-is-against-the-prior",
        article=_A000,
        section="3.1.3 隐变量的KL散度（KL Divergence of Hidden Variables）",
        kind="text",
        defect=(
            "The KL term is said to penalise the distance between the latent distribution and "
            "'the true distribution' (also §2.1.3 and FAQ §6.1), and §3.1.4 never writes the "
            "objective down. The KL term of the VAE loss is KL(q(z|x) || p(z)) against the "
            "fixed prior N(0, I). The divergence from the true posterior, "
            "KL(q(z|x) || p(z|x)), is a different number: it is the gap log p(x) - ELBO, "
            "which cannot be computed and is not a loss term."
        ),
        tensorflow=(
            "Not a TensorFlow behaviour. Checked numerically on " + _LINEAR_GAUSSIAN + ", with "
            "q = N(0.5, 0.5): KL(q || prior) = 0.222, while KL(q || posterior) = 1.517 = "
            "log p(x) - ELBO; `keras_vae.losses.gaussian_kl` gives the former."
        ),
        why=(
            "log p(x) = ELBO + KL(q(z|x) || p(z|x)) (Kingma & Welling 2014, Eq. 1); the ELBO "
            "contains KL(q(z|x) || p(z)), whose closed form for Gaussians is in their "
            "Appendix B."
        ),
        fix=(
            "`keras_vae.losses.gaussian_kl(z_mean, z_log_var)` is KL(N(z_mean, "
            "exp(z_log_var)) || N(0, I)) in closed form, and the docs name the prior."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="000-4.1-relu-class-as-activation",
        article=_A000,
        section="4.1 变分自编码器（VAEs）",
        kind="crash",
        defect=(
            "The hidden Dense layers get the ReLU layer class itself as `activation` "
            "instead of the string 'relu'. Dense then calls ReLU(x): it constructs a new "
            "ReLU layer with the input tensor as its `max_value` instead of applying relu."
        ),
        tensorflow=(
            "Building the functional graph succeeds (Dense(3, activation=keras.layers.ReLU) on "
            "Input((4,)) has shape (None, 3)), because Keras infers shapes symbolically; the "
            "first real call fails. Inside `fit`/`predict`: "
            "tf.errors.OperatorNotAllowedInGraphError 'Using a symbolic `tf.Tensor` as a "
            "Python `bool` is not allowed'; eagerly: ValueError 'The truth value of an array "
            "with more than one element is ambiguous'."
        ),
        why=(
            "`keras.activations.get` returns any callable unchanged, and a class is callable; "
            "`ReLU.__init__` then evaluates `max_value < 0.0` on a tensor."
        ),
        fix=(
            "Pass activation='relu' (or keras.activations.relu). keras_vae's dense encoder and "
            "decoder build their hidden layers with activation='relu'."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="000-4.1-dense-on-image-keeps-spatial-axes",
        article=_A000,
        section="4.1 变分自编码器（VAEs）",
        kind="silent",
        defect=(
            "The encoder applies Dense directly to a (28, 28, 1) image without flattening. "
            "Dense contracts only the last axis, so every pixel is mapped on its own, pixels "
            "never mix, and the 'latent' mean is a (28, 28, 2) tensor, 1568 numbers per image "
            "instead of 2."
        ),
        tensorflow=(
            "No error or warning: Dense(2)(Dense(8)(Input((28, 28, 1)))) has output shape "
            "(None, 28, 28, 2)."
        ),
        why=(
            "Keras' Dense computes a tensordot over the last axis for inputs of any rank "
            "(documented behaviour); it does not flatten."
        ),
        fix=(
            "Flatten first. keras_vae's DenseVAE and DenseAutoencoder flatten `input_shape` "
            "inside the encoder, so `encode` of an (n, 8, 8) batch returns (n, latent_dim)."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="000-4.1-graph-disconnected",
        article=_A000,
        section="4.1 变分自编码器（VAEs）",
        kind="crash",
        defect=(
            "The decoder is built on its own Input and never applied to anything coming from "
            "the encoder, yet the model is created from the encoder's input to the decoder's "
            "output."
        ),
        tensorflow=(
            "keras.Model(inputs, outputs) raises ValueError 'Output with path `` is not "
            "connected to `inputs`' (Keras 3's form of the 'graph disconnected' error)."
        ),
        why=(
            "A functional model's outputs must be reachable from its inputs through layer "
            "calls; the decoder's Input is a second, unconnected graph input."
        ),
        fix=(
            "Build encoder and decoder as two models and feed the decoder the sampled z. "
            "DenseVAE composes `vae.encoder`, `Sampling` and `vae.decoder` (a model with one "
            "(None, latent_dim) input); `vae.reconstruct(x)` returns x's shape."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="000-4.1-no-sampling",
        article=_A000,
        section="4.1 变分自编码器（VAEs）",
        kind="silent",
        defect=(
            "z_mean and z_log_var are computed and then never used: no z = z_mean + "
            "exp(z_log_var / 2) * epsilon is drawn (no reparameterisation), so even wired up "
            "(decoder on z_mean) the model would be a deterministic autoencoder and the "
            "log-variance head would learn nothing."
        ),
        tensorflow=(
            "With the decoder fed z_mean (the nearest wiring that runs), two calls with "
            "training=True return identical outputs and, under a GradientTape, the gradient "
            "of the loss with respect to the z_log_var layer's kernel is None."
        ),
        why=(
            "Without a draw from q(z|x) the variance influences nothing, and the ELBO's "
            "expectation over q(z|x) is never estimated."
        ),
        fix=(
            "`keras_vae.Sampling` draws z = z_mean + exp(0.5 * z_log_var) * epsilon from its "
            "own SeedGenerator; `DenseVAE.compute_terms` decodes that sample, so the "
            "reconstruction loss has a gradient for `vae.z_log_var_layer`."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="000-4.1-no-kl",
        article=_A000,
        section="4.1 变分自编码器（VAEs）",
        kind="silent",
        defect=(
            "The model is compiled with a plain mean-squared-error loss: there is no "
            "KL(q(z|x) || N(0, I)) term, so nothing ties the codes to the prior that new "
            "samples are drawn from."
        ),
        tensorflow=(
            "Keras trains the loss it is given. In a minimal linear encoder/decoder (16 -> 2 "
            "-> 16), multiplying the encoder by 100 and dividing the decoder by 100 leaves "
            "keras.losses.MeanSquaredError unchanged while the KL term (log-variance 0) grows "
            "10^4-fold: an MSE-only loss cannot see where the codes are."
        ),
        why=(
            "The ELBO is E_q[log p(x|z)] - KL(q(z|x) || p(z)) (Kingma & Welling 2014, Eq. 3); "
            "without the KL term codes can drift to any scale and decoding N(0, I) draws "
            "gives nothing like the data."
        ),
        fix=(
            "DenseVAE adds `kl_weight * losses.gaussian_kl(z_mean, z_log_var)` to its own loss "
            "(`compute_terms`, logged as kl_loss); `compile(loss=...)` is refused."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="000-4.1-decoder-output-too-small",
        article=_A000,
        section="4.1 变分自编码器（VAEs）",
        kind="crash",
        defect=(
            "The decoder ends in a 28-unit Dense layer: 28 numbers per example are supposed to "
            "reconstruct a 28x28x1 image of 784 values, and are compared with targets of a "
            "different shape."
        ),
        tensorflow=(
            "fit(z of shape (n, 2), x of shape (n, 28, 28, 1), batch_size=8) raises ValueError "
            "'Dimensions must be equal, but are 28 and 8' in the MSE subtraction. With batch "
            "size 1 or 28 the (batch, 28) output broadcasts silently against "
            "(batch, 28, 28, 1) and training runs on a meaningless loss."
        ),
        why=(
            "The output layer must produce as many values as one example has and be reshaped "
            "back; Keras' MSE relies on broadcasting and fails only when shapes cannot "
            "broadcast."
        ),
        fix=(
            "keras_vae's decoder ends in Dense(prod(input_shape)) followed by "
            "Reshape(input_shape); `vae.decode(z)` returns (n, 8, 8) for input_shape (8, 8)."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="000-4.1-undefined-x-train",
        article=_A000,
        section="4.1 变分自编码器（VAEs）",
        kind="crash",
        defect="The training data `x_train` is never defined or loaded in the snippet.",
        tensorflow="NameError: name 'x_train' is not defined, before TensorFlow is involved.",
        why="Plain Python: the name is used before any assignment.",
        fix=(
            "The tutorials create or load their data explicitly (train/validation/test "
            "splits) before calling `fit`."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="000-4.2-undefined-names",
        article=_A000,
        section=_S000_42,
        kind="crash",
        defect=(
            "The recurrent snippet imports only LSTM and Dense from keras.layers but builds its "
            "input with `Input`, and it trains on `x_train`, which is never defined or loaded."
        ),
        tensorflow=(
            "NameError: name 'Input' is not defined, at the model's first line, before "
            "TensorFlow is involved."
        ),
        why="Plain Python: a name must be imported or assigned before it is used.",
        fix=(
            "Tutorial 03 imports what it uses (keras.Input), builds its series explicitly and "
            "cuts it into (window, next values) pairs with `keras_vae.data`'s windowing helpers "
            "before fitting `keras_vae.LSTMForecaster`."
        ),
        tutorials=("03",),
    ),
    Erratum(
        id="000-4.2-last-state-against-whole-sequence",
        article=_A000,
        section=_S000_42,
        kind="silent",
        defect=(
            "The LSTM is used without return_sequences, so it emits only its state after the "
            "last step and the model maps a whole sequence to a single number (output "
            "(None, 1)); yet it is fitted with the sequences themselves as targets. The one "
            "prediction is compared with every step of its sequence, so the best reachable "
            "output is each sequence's mean and the loss can never fall below the "
            "within-sequence variance."
        ),
        tensorflow=(
            "No error or warning: LSTM(4) -> Dense(1) on Input((None, 1)) has output shape "
            "(None, 1), and fit(x, x) on x of shape (16, 6, 1) runs. Its MSE equals the mean "
            "over all steps of (x_t - y)^2 with one y per sequence; predicting each sequence's "
            "own mean reaches exactly the mean within-sequence variance (0.116 on noisy-sine "
            "windows), the floor of that loss."
        ),
        why=(
            "An LSTM returns one output per step only with return_sequences=True. Keras' MSE "
            "drops the trailing 1 of the (batch, steps, 1) target and broadcasts the "
            "(batch, 1) prediction over the steps; it checks only that shapes broadcast."
        ),
        fix=(
            "Shape the targets to what is predicted: `keras_vae.LSTMForecaster` maps a window "
            "of past values to the values that follow it, and `keras_vae.LSTMAutoencoder` "
            "reconstructs every step, with outputs of shape (batch, timesteps, features)."
        ),
        tutorials=("03", "04"),
    ),
    Erratum(
        id="000-4.2-target-is-the-input",
        article=_A000,
        section=_S000_42,
        kind="silent",
        defect=(
            "Each input is its own target. Even with one output per step (the nearest repair "
            "of the shape problem), step t sees x_t and is asked for x_t: copying the current "
            "value solves the task exactly, needs no memory and says nothing about what comes "
            "next. A forecasting model is trained on targets shifted in time (the values after "
            "the window)."
        ),
        tensorflow=(
            "A per-step Dense(1) with weight 1 and bias 0, with no recurrence at all, has "
            "evaluate(x, x) loss exactly 0.0 on noisy-sine windows; used as a one-step-ahead "
            "forecast (inputs x_1..x_{T-1}, targets x_2..x_T) the same copy has MSE 0.057. A "
            "zero training loss on (x, x) measures nothing about forecasting."
        ),
        why=(
            "With a causal per-step model, fitting (x, x) learns the identity map; prediction "
            "needs the future value as the target."
        ),
        fix=(
            "`keras_vae.data`'s windowing helpers return (window, next values) pairs and split "
            "the series chronologically before the scaler is fitted, so no future value leaks "
            "into training; `keras_vae.LSTMForecaster` is trained on those pairs (tutorial 03)."
        ),
        tutorials=("03",),
    ),
    # ------------------------------------------------------------------ article 001
    Erratum(
        id="001-3-prior-called-true-distribution",
        article=_A001,
        section=_S001_3,
        kind="text",
        defect=(
            "p(z) in the objective is glossed as the 'true distribution', and the KL term is "
            "said to penalise the encoder's distribution for differing from it. p(z) is the "
            "prior, a fixed N(0, I) chosen by the modeller; the distribution that is 'true' "
            "given x is the posterior p(z|x), and KL(q(z|x) || p(z|x)) is the gap "
            "log p(x) - ELBO, which is not a term of the objective (the same confusion as "
            "000 §3.1.3)."
        ),
        tensorflow=(
            "Not a TensorFlow behaviour. Checked numerically on " + _LINEAR_GAUSSIAN + ", with "
            "q = N(0.5, 0.5): KL(q || prior) = 0.222 is the objective's term, KL(q || "
            "posterior) = 1.517 = log p(x) - ELBO is another number; "
            "`keras_vae.losses.gaussian_kl` gives the former."
        ),
        why=(
            "log p(x) = ELBO + KL(q(z|x) || p(z|x)) (Kingma & Welling 2014, Eq. 1); the ELBO "
            "(Eq. 3) contains KL(q(z|x) || p(z)) against the prior."
        ),
        fix=(
            "`keras_vae.losses.gaussian_kl(z_mean, z_log_var)` is KL(q(z|x) || N(0, I)) in "
            "closed form; `LSTMVAE` logs it as kl_loss and its docstring names the prior."
        ),
        tutorials=("05",),
    ),
    Erratum(
        id="001-4-undefined-names",
        article=_A001,
        section=_S001_4,
        kind="crash",
        defect=(
            "The sampling line uses `Lambda` and a backend alias `K` that are never imported, "
            "and training uses four arrays (x_train, z_train, z_mean_train, z_log_var_train) "
            "that are never defined. Importing Keras 3's backend as K would not help: "
            "`keras.backend` no longer has exp, sum, square or random_normal."
        ),
        tensorflow=(
            "NameError: name 'Lambda' is not defined, before TensorFlow is involved. In "
            "Keras 3.15 `keras.backend` has none of the four functions (they are keras.ops.exp, "
            "keras.ops.sum, keras.ops.square and keras.random.normal); only the legacy "
            "`tf.keras.backend` shim keeps them."
        ),
        why=(
            "Plain Python for the names; Keras 3 moved the tensor functions from the backend "
            "module to keras.ops and keras.random."
        ),
        fix=(
            "keras_vae uses keras.ops and keras.random throughout and draws z in "
            "`keras_vae.Sampling` from its own SeedGenerator; tutorial 05 builds its data "
            "before fitting `keras_vae.LSTMVAE`."
        ),
        tutorials=("05",),
    ),
    Erratum(
        id="001-4-per-step-codes",
        article=_A001,
        section=_S001_4,
        kind="crash",
        defect=(
            "The encoder's LSTM returns its whole output sequence and the mean and "
            "log-variance heads are Dense layers as wide as the number of features, applied "
            "at every step. The 'latent' is therefore a (batch, 10, 8) tensor: a code per time "
            "step, as many numbers as the input itself (80 for 80, so nothing is compressed), "
            "no single code for the sequence, and a width that matches neither latent_dim = 32 "
            "nor the decoder's input."
        ),
        tensorflow=(
            "The encoder builds, with z_mean of shape (None, 10, 8). Passing it to a decoder "
            "built for (None, 32) raises ValueError '... is incompatible with the layer: "
            "expected shape=(None, 32), found shape=(None, 10, 8)'."
        ),
        why=(
            "With return_sequences=True an LSTM outputs (batch, timesteps, units) and Dense "
            "acts on the last axis only; one code per sequence needs the final state "
            "(return_sequences=False on the last LSTM) and heads of width latent_dim."
        ),
        fix=(
            "`keras_vae.LSTMVAE` encodes a sequence with the last LSTM's final state and two "
            "separate Dense(latent_dim) heads, so z_mean and z_log_var have shape "
            "(batch, latent_dim)."
        ),
        tutorials=("05",),
    ),
    Erratum(
        id="001-4-decoder-lstm-on-a-vector",
        article=_A001,
        section=_S001_4,
        kind="crash",
        defect=(
            "The decoder applies an LSTM directly to the latent vector of shape "
            "(batch, latent_dim). An LSTM reads sequences (batch, timesteps, features); a "
            "vector has no time axis, so the decoder cannot even be built. The code has to be "
            "made into a sequence first (repeated over the output steps, or used to set the "
            "LSTM's initial state)."
        ),
        tensorflow=(
            "ValueError: 'Input 0 ... of layer \"lstm\" is incompatible with the layer: "
            "expected ndim=3, found ndim=2. Full shape received: (None, 32)', when the decoder "
            "is built."
        ),
        why="Keras' recurrent layers require 3-D input (batch, timesteps, features).",
        fix=(
            "`keras_vae.LSTMVAE`'s decoder is an LSTM conditioned on z (z repeated along the "
            "time axis, initial states computed from z) that emits one distribution per time "
            "step; it takes (batch, latent_dim) and returns (batch, sequence_length, "
            "num_features)."
        ),
        tutorials=("05",),
    ),
    Erratum(
        id="001-4-lambda-layer-never-called",
        article=_A001,
        section=_S001_4,
        kind="crash",
        defect=(
            "The sampling Lambda layer is constructed but never called, so `z` is a layer "
            "object rather than a tensor, and the decoder is applied to that object. The "
            "wrapped function also ignores its own argument and reads z_mean and z_log_var "
            "from the enclosing scope, which would break reuse and saving."
        ),
        tensorflow=(
            "ValueError: \"Inputs to a layer should be tensors. Got '<Lambda name=lambda, "
            "built=False>' (of type <class '...Lambda'>) as input for layer ...\"."
        ),
        why="A Keras layer is a callable object; it yields a tensor only when called on inputs.",
        fix=(
            "`keras_vae.Sampling` is a layer called on [z_mean, z_log_var] that returns "
            "z = z_mean + exp(0.5 * z_log_var) * epsilon with epsilon from its SeedGenerator."
        ),
        tutorials=("05",),
    ),
    Erratum(
        id="001-4-tf-functions-on-symbolic-tensors",
        article=_A001,
        section=_S001_4,
        kind="crash",
        defect=(
            "The objective is assembled while the functional graph is being built, with "
            "TensorFlow functions (tf.reduce_mean and the backend's sum/exp/square) applied to "
            "symbolic Keras inputs."
        ),
        tensorflow=(
            "ValueError: 'A KerasTensor cannot be used as input to a TensorFlow function. A "
            "KerasTensor is a symbolic placeholder for a shape and dtype, ...' (the same from "
            "tf.keras.backend.sum); keras.losses and keras.ops functions accept KerasTensors."
        ),
        why=(
            "In Keras 3 functional inputs are KerasTensors (a shape and a dtype), not "
            "tf.Tensors; only Keras layers and keras.ops can be traced into a functional graph."
        ),
        fix=(
            "keras_vae computes its loss terms on real tensors inside the shared "
            "`train_step`/`test_step` (keras_vae.training), with the keras.ops functions of "
            "`keras_vae.losses`."
        ),
        tutorials=("05",),
    ),
    Erratum(
        id="001-4-loss-graph-disconnected",
        article=_A001,
        section=_S001_4,
        kind="crash",
        defect=(
            "The training model is declared with four fresh Inputs (x, z, z_mean, z_log_var), "
            "but its output uses the decoder's reconstruction of another Input, the one the "
            "encoder read, which is not among the model's inputs; the z Input is not used at "
            "all."
        ),
        tensorflow=(
            "With the loss written in keras.ops so that it traces, keras.Model(inputs, loss) "
            "raises ValueError 'Output with path `` is not connected to `inputs`'."
        ),
        why=(
            "A functional model's outputs must be computable from its declared inputs alone."
        ),
        fix=(
            "`keras_vae.LSTMVAE` has one input, the sequence batch; its train_step computes the "
            "reconstruction and the KL terms from the same forward pass."
        ),
        tutorials=("05",),
    ),
    Erratum(
        id="001-4-kl-from-fed-placeholders",
        article=_A001,
        section=_S001_4,
        kind="silent",
        defect=(
            "The KL term is computed from z_mean and z_log_var supplied as extra input arrays, "
            "not from what the encoder outputs for the batch. Whatever is fed, the term is a "
            "constant for every weight: the encoder is never pulled towards the prior, and "
            "feeding zeros makes the 'KL' exactly 0 whatever the encoder does."
        ),
        tensorflow=(
            "No error. With zeros fed, the term is 0.0 while the KL of the encoder's own "
            "outputs is positive, and the tape's gradient of the fed term with respect to the "
            "encoder's variables is a list of None."
        ),
        why=(
            "The ELBO's KL term is KL(q_phi(z|x) || p(z)) with the encoder's outputs for x "
            "(Kingma & Welling 2014, Eq. 3, Appendix B); only that way does it regularise phi."
        ),
        fix=(
            "`keras_vae.LSTMVAE` computes kl_loss inside the tape from the z_mean and z_log_var "
            "its encoder produced for the same batch."
        ),
        tutorials=("05",),
    ),
    Erratum(
        id="001-4-tensor-passed-as-loss",
        article=_A001,
        section=_S001_4,
        kind="crash",
        defect=(
            "compile() receives the symbolic loss tensor as `loss`, where Keras expects a loss "
            "name, function or object mapping (y_true, y_pred) to a value; fit is then called "
            "without targets."
        ),
        tensorflow=(
            "compile accepts it silently; the first fit raises ValueError 'Could not interpret "
            "loss identifier: <KerasTensor shape=(None,), ...>'."
        ),
        why="keras.losses.get resolves strings, callables and Loss instances only.",
        fix=(
            "keras_vae's models own their loss: compile(optimizer=...) only (compile(loss=...) "
            "raises ValueError), and fit(x) minimises the model's own terms."
        ),
        tutorials=("05",),
    ),
    Erratum(
        id="001-4-mean-vs-sum-reduction",
        article=_A001,
        section=_S001_4,
        kind="silent",
        defect=(
            "The reconstruction term is a binary cross-entropy averaged over features, time "
            "steps and the batch, while the KL is summed over latent dimensions per example. "
            "Relative to the ELBO, whose reconstruction term is a sum over all steps and "
            "features, this multiplies the KL by 80 (10 steps x 8 features): a beta-VAE with "
            "beta = 80, which pushes every code to the prior, the posterior collapse to which "
            "LSTM VAEs are prone even at beta = 1 (Bowman et al. 2016)."
        ),
        tensorflow=(
            "keras.losses.binary_crossentropy averages over the last axis, so on a (4, 10, 8) "
            "batch the article-style total (tf.reduce_mean of it plus the per-example KL), "
            "times 80, equals the batch mean of the per-example sum over steps and features "
            "plus 80 * KL, to float32 precision."
        ),
        why=(
            "log p(x|z) in the ELBO sums over all data dimensions (Kingma & Welling 2014, "
            "Eq. 3); for a sequence these are the time steps times the features."
        ),
        fix=(
            "keras_vae's likelihoods (`losses.gaussian_log_likelihood`) sum over steps and "
            "features and average only over the batch; `LSTMVAE` anneals its KL weight from 0 "
            "to 1 with `keras_vae.callbacks.KLAnnealing` and can keep a floor of free bits per "
            "latent dimension, the usual remedies against posterior collapse."
        ),
        tutorials=("05",),
    ),
    # ------------------------------------------------------------------ article 002
    Erratum(
        id="002-2.3-lower-bound-called-non-negative",
        article=_A002,
        section="2.3 变分下界",
        kind="text",
        defect=(
            "The variational lower bound is described as a non-negative function. It bounds "
            "log p(x) from below: for discrete data p(x) <= 1, so the bound is <= 0, and for "
            "densities it can have either sign."
        ),
        tensorflow=(
            "Not a TensorFlow behaviour. Checked numerically on " + _LINEAR_GAUSSIAN + ": with "
            "q = N(0.5, 0.5) the ELBO is -3.447 < log p(x) = -1.931 < 0; for keras_vae's "
            "trained Bernoulli DenseVAE every example's ELBO (-loss) is negative."
        ),
        why=(
            "ELBO <= log p(x) (Kingma & Welling 2014, Eq. 1-2); with a Bernoulli likelihood "
            "log p(x|z) <= 0 and KL >= 0, so the ELBO is <= 0."
        ),
        fix=(
            "DenseVAE reports the negative ELBO as `loss = reconstruction_loss + kl_weight * "
            "kl_loss`, both terms >= 0 for a Bernoulli likelihood."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="002-3.3-elbo-written-as-equality",
        article=_A002,
        section="3.3 重参数重构目标",
        kind="text",
        defect=(
            "log p(x) is written as equal to E_q[log p(x|z)] - KL(q(z|x) || p(z)). That "
            "right-hand side is the ELBO, a lower bound; equality holds only when q(z|x) is "
            "the exact posterior p(z|x)."
        ),
        tensorflow=(
            "Not a TensorFlow behaviour. Checked numerically on " + _LINEAR_GAUSSIAN + ": with "
            "q = N(0.5, 0.5) the right-hand side is -3.447, 1.517 below log p(x), and the gap "
            "equals KL(q || p(z|x)) to 1e-12; with q = the exact posterior the gap is 0."
        ),
        why=(
            "log p(x) = ELBO + KL(q(z|x) || p(z|x)) (Kingma & Welling 2014, Eq. 1), and a KL "
            "divergence is >= 0."
        ),
        fix=(
            "keras_vae writes the ELBO as a bound (`loss` is the negative ELBO, an upper bound "
            "on -log p(x)) in `DenseVAE`'s docstring and the docs."
        ),
        tutorials=("02", "07"),
    ),
    Erratum(
        id="002-3.3-kl-misnamed",
        article=_A002,
        section="3.3 重参数重构目标",
        kind="text",
        defect=(
            "D_KL is glossed as a 'Cramér' divergence. It is the Kullback-Leibler divergence "
            "E_q[log q(z) - log p(z)]; the Cramér distance (the integral of the squared "
            "difference of the CDFs) is a different quantity."
        ),
        tensorflow=(
            "Not a TensorFlow behaviour. For q = N(1, e^0.5) and p = N(0, 1): the closed-form "
            "KL is 0.574, a 200000-sample Monte-Carlo estimate of E_q[log q - log p] agrees "
            "within 0.02, and `keras_vae.losses.gaussian_kl` returns the same 0.574; the "
            "Cramér distance of the same pair is 0.248."
        ),
        why=(
            "The VAE objective uses the Kullback-Leibler divergence; its closed form for "
            "diagonal Gaussians is in Kingma & Welling 2014, Appendix B."
        ),
        fix=(
            "`keras_vae.losses.gaussian_kl` implements the Kullback-Leibler closed form and "
            "cites Appendix B."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="002-3.3-reparameterisation-misdescribed",
        article=_A002,
        section="3.3 重参数重构目标",
        kind="text",
        defect=(
            "The ELBO is presented under the name of a 'reparameterised reconstruction "
            "objective' (§2.2 and the §3.3 heading), as if reparameterisation were a kind of "
            "loss. The reparameterisation trick is not an objective: it writes the draw "
            "z ~ N(mu, sigma^2) as z = mu + sigma * epsilon, epsilon ~ N(0, I), so that a "
            "Monte-Carlo estimate of the ELBO is differentiable in mu and sigma."
        ),
        tensorflow=(
            "Under a GradientTape, `keras_vae.Sampling` gives dz/dz_mean = 1 and "
            "dz/dz_log_var = 0.5 * epsilon * exp(z_log_var / 2) = 0.5 * (z - z_mean), exactly "
            "to float32 precision: the gradient flows through the draw."
        ),
        why="Kingma & Welling 2014, §2.4 (the reparameterisation trick) and Eq. 3 (the ELBO).",
        fix=(
            "`keras_vae.Sampling` is the trick (a layer); the objective is the model's "
            "`compute_terms` (reconstruction_loss + kl_weight * kl_loss)."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="002-3.3-encoder-called-generative-model",
        article=_A002,
        section="3.3 重参数重构目标",
        kind="text",
        defect=(
            "q_phi(z|x), the encoder, is called the 'generative model' (also §1, §2.1, §3.1 "
            "and the §4.1 heading). The encoder is the inference (recognition) model; the "
            "generative model is p(z) p_theta(x|z), the prior and the decoder, and it alone "
            "produces new data."
        ),
        tensorflow=(
            "Not a TensorFlow behaviour. Checked: integrating prior x likelihood numerically "
            "over z reproduces log p(x) = -1.931 of " + _LINEAR_GAUSSIAN + " without any q; "
            "keras_vae's `vae.sample(5)` draws data without any input x, and `vae.decoder` "
            "takes (None, latent_dim) while `vae.encoder` takes data."
        ),
        why=(
            "Kingma & Welling 2014, §2.1: p_theta(z) p_theta(x|z) is the generative model, "
            "q_phi(z|x) the recognition model (probabilistic encoder)."
        ),
        fix=(
            "keras_vae names them `encoder` (inference model q(z|x)) and `decoder` "
            "(p(x|z), which with the N(0, I) prior is the generative model used by `sample`)."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="002-3.4-beta-below-one-is-not-a-bound",
        article=_A002,
        section="3.4 变分下界",
        kind="text",
        defect=(
            "The beta-weighted objective is called the variational lower bound for any beta, "
            "and beta is said, vaguely, to balance reconstruction against 'model "
            "performance'. It is the ELBO only for beta = 1; for beta < 1 it can exceed "
            "log p(x) and is no bound at all (beta > 1 gives a looser bound, the beta-VAE)."
        ),
        tensorflow=(
            "Not a TensorFlow behaviour. Checked numerically on " + _LINEAR_GAUSSIAN + " with "
            "q = the exact posterior: beta = 1 gives exactly log p(x) = -1.931, beta = 0.5 "
            "gives -1.368, 0.562 above log p(x)."
        ),
        why=(
            "E_q[log p(x|z)] - beta * KL(q || p(z)) = ELBO + (1 - beta) * KL(q || p(z)); the "
            "extra term is positive when beta < 1 (Higgins et al. 2017 for beta > 1)."
        ),
        fix=(
            "DenseVAE(beta=1.0) by default; its docstring says the loss is the negative ELBO "
            "for beta = 1 and the beta-VAE objective for beta > 1."
        ),
        tutorials=("02", "07"),
    ),
    Erratum(
        id="002-4.1-shared-layer-mean-equals-log-var",
        article=_A002,
        section="4.1 生成模型",
        kind="silent",
        defect=(
            "One and the same Dense layer is applied twice to the same hidden activations to "
            "produce z_mean and z_log_var, so both get identical values: the variance is "
            "tied to the mean by sigma^2 = exp(mu)."
        ),
        tensorflow="No error or warning; the two outputs are element-wise identical.",
        why="Calling a layer twice reuses its weights; two heads need two Dense layers.",
        fix=(
            "DenseVAE has two separate linear layers, `vae.z_mean_layer` and "
            "`vae.z_log_var_layer`; `vae.encode(x)` returns two different arrays."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="002-4.1-relu-on-mean-and-log-var",
        article=_A002,
        section="4.1 生成模型",
        kind="silent",
        defect=(
            "The layer producing z_mean and z_log_var has a ReLU activation: the mean can "
            "never be negative, so half of every latent axis is unreachable, and the "
            "log-variance never negative, so the posterior variance is >= 1 and q(z|x) can "
            "never be narrower than the prior; units stuck at 0 get no gradient."
        ),
        tensorflow=(
            "No error or warning: a ReLU Dense(2) on 64 standard-normal inputs returns a "
            "minimum of exactly 0.0 (55% of the outputs are 0), so exp(log_var) >= 1 "
            "everywhere."
        ),
        why="A mean and a log-variance are unconstrained real numbers: their heads must be linear.",
        fix="`vae.z_mean_layer` and `vae.z_log_var_layer` are linear Dense layers (activation 'linear').",
        tutorials=("02",),
    ),
    Erratum(
        id="002-4.2-sigmoid-output-squared-error",
        article=_A002,
        section="4.2 解码模型",
        kind="silent",
        defect=(
            "The decoder squashes its output with a sigmoid and the training loop compares "
            "it with the input by squared error. For a confidently wrong pixel the sigmoid "
            "saturates and the squared-error gradient all but vanishes; the likelihood that "
            "matches pixels in [0, 1] is Bernoulli cross-entropy computed on the logits."
        ),
        tensorflow=(
            "For logit 10 and target 0 the gradient of (sigmoid(l) - x)^2 with respect to the "
            "logit is 9.1e-05, that of tf.nn.sigmoid_cross_entropy_with_logits is 0.99995."
        ),
        why=(
            "d/dl (sigmoid(l) - x)^2 = 2 (s - x) s (1 - s) with s = sigmoid(l), which goes to 0 "
            "as s -> 0 or 1; the cross-entropy-on-logits gradient is s - x."
        ),
        fix=(
            "DenseVAE(likelihood='bernoulli')'s decoder outputs logits and "
            "`losses.bernoulli_log_likelihood(x, logits)` evaluates the cross-entropy stably; "
            "the sigmoid is applied only for the mean (`vae.decode`)."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="002-4.3-undefined-names",
        article=_A002,
        section="4.3 训练模型",
        kind="crash",
        defect=(
            "The training snippet uses names it never defines: the data batch `inputs`, the "
            "sample `z` and `epochs`; z_mean and z_log_var are used at top level before the "
            "loop assigns them."
        ),
        tensorflow="NameError: name 'inputs' is not defined, at the first line that uses it.",
        why="Plain Python: the names are read before any assignment.",
        fix=(
            "keras_vae's models are trained with `fit(x, epochs=..., batch_size=...)`; the "
            "shared `train_step` gets each batch from Keras."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="002-4.3-tuple-into-dense",
        article=_A002,
        section="4.3 训练模型",
        kind="crash",
        defect=(
            "The decoder is applied directly to the encoder's output, the (z_mean, z_log_var) "
            "pair, so its first Dense layer receives two tensors."
        ),
        tensorflow=(
            "ValueError: Layer \"<name>\" expects 1 input(s), but it received 2 input tensors."
        ),
        why="Dense takes one input; the decoder must receive one sampled z.",
        fix=(
            "DenseVAE decodes `Sampling()([z_mean, z_log_var])`; `vae.decoder` and "
            "`vae.decode` take one (n, latent_dim) array."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="002-4.3-kl-outside-tape",
        article=_A002,
        section="4.3 训练模型",
        kind="silent",
        defect=(
            "The KL-like term is computed once, before the loop and outside the "
            "tf.GradientTape, and then added to the loss inside it. To the tape it is a "
            "constant: the encoder never receives a gradient from it, and it is never "
            "recomputed as the encoder changes."
        ),
        tensorflow=(
            "No error: the tape's gradient of that term with respect to the encoder's "
            "variables is [None, None], and the gradient of reconstruction + term equals the "
            "gradient of the reconstruction alone."
        ),
        why="A GradientTape records only the operations executed inside its context.",
        fix=(
            "`GenerativeModel.train_step` (keras_vae.training) calls `compute_terms` inside "
            "the tape every step, so `kl_loss` is recomputed and differentiated "
            "(`vae.z_log_var_layer` gets a KL gradient)."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="002-4.3-wrong-kl-formula",
        article=_A002,
        section="4.3 训练模型",
        kind="silent",
        defect=(
            "The regulariser is not the Gaussian KL: it squares the log-variance, multiplies "
            "by arbitrary 1e-2 factors, uses the variance times (z_mean - z)^2 instead of "
            "z_mean^2 and lacks the -1 - log sigma^2 terms; it does not vanish when q equals "
            "the prior."
        ),
        tensorflow=(
            "Runs without complaint. For mu = (1, -0.5), log sigma^2 = (0.5, -1): closed-form "
            "KL 0.883, 200000-sample Monte-Carlo KL 0.886 (agree within 0.02), the "
            "article-style expression about -0.015; for q = N(0, I) it gives non-zero values "
            "(e.g. -0.006) where the KL is 0."
        ),
        why=(
            "KL(N(mu, sigma^2) || N(0, I)) = 0.5 * sum(sigma^2 + mu^2 - 1 - log sigma^2) "
            "(Kingma & Welling 2014, Appendix B)."
        ),
        fix="`keras_vae.losses.gaussian_kl` is that closed form, summed over latent dimensions.",
        tutorials=("02",),
    ),
    Erratum(
        id="002-4.3-kl-term-sign",
        article=_A002,
        section="4.3 训练模型",
        kind="silent",
        defect=(
            "The regulariser, named a lower bound, is negative by construction and is added "
            "to a loss that is minimised. Minimising it rewards ever larger variances and "
            "larger |z_mean - z|: a penalty with the wrong sign (a bound is maximised, i.e. "
            "its negative minimised)."
        ),
        tensorflow=(
            "For mu = 0, z = 1 the expression is -0.01 at log-variance 0 and -220.3 at "
            "log-variance 10: it is unbounded below, so gradient descent drives the "
            "variance up without limit."
        ),
        why=(
            "The loss to minimise is -ELBO = reconstruction + KL with KL >= 0, minimal at "
            "q = prior; the article's term has neither the right sign nor a minimum."
        ),
        fix=(
            "DenseVAE minimises `loss = reconstruction_loss + kl_weight * kl_loss` with "
            "`kl_loss = losses.gaussian_kl(...) >= 0`, which is 0 exactly at z_mean = 0, "
            "z_log_var = 0."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="002-4.3-no-sampling",
        article=_A002,
        section="4.3 训练模型",
        kind="silent",
        defect=(
            "The loop decodes z_mean directly; no z is drawn from q(z|x), so z_log_var has "
            "no effect on the reconstruction and the model is a deterministic autoencoder "
            "with a stray penalty."
        ),
        tensorflow=(
            "With separate heads and the decoder on z_mean, the gradient of the "
            "reconstruction loss with respect to the log-variance head's kernel is None."
        ),
        why="Only a reparameterised draw makes the reconstruction depend on sigma.",
        fix=(
            "`DenseVAE.compute_terms` decodes `Sampling()([z_mean, z_log_var])`, so the "
            "reconstruction loss has a non-zero gradient for `vae.z_log_var_layer`."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="002-4.3-mean-vs-sum-reduction",
        article=_A002,
        section="4.3 训练模型",
        kind="silent",
        defect=(
            "The reconstruction term is averaged over all pixels (a mean squared error) "
            "while the regulariser is summed over latent dimensions. Relative to the ELBO "
            "this divides the reconstruction by the number of pixels D, i.e. weights the "
            "KL by D (beta = 784 on MNIST), which shrinks codes towards the prior and "
            "invites posterior collapse."
        ),
        tensorflow=(
            "keras.losses.MeanSquaredError equals the per-example sum of squares divided by "
            "D (D = 64 here). In a model with D = 64 observations x_d ~ N(z, 1) of one z, "
            "the optimum of the mean-reduced objective is q = N(mean(x) / 2, 0.5), the "
            "beta = D optimum, instead of the ELBO's N(mean(x) * 64/65, 1/65)."
        ),
        why=(
            "The ELBO's reconstruction term is log p(x|z) summed over all D data dimensions "
            "(Kingma & Welling 2014, Eq. 3 and Appendix C)."
        ),
        fix=(
            "`keras_vae.losses` sum over data (and latent) dimensions per example; only the "
            "batch is averaged, once, in `GenerativeModel.train_step`."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="002-4.3-nested-gradient-lists",
        article=_A002,
        section="4.3 训练模型",
        kind="crash",
        defect=(
            "The variables are passed as a list of two lists (encoder's, decoder's). The "
            "gradients come back nested the same way, and zip pairs each list of gradients "
            "with a list of variables before apply_gradients."
        ),
        tensorflow=(
            "tape.gradient returns a 2-element list of lists; optimizer.apply_gradients "
            "raises AttributeError: 'list' object has no attribute '_unique_id'."
        ),
        why="Keras optimizers expect a flat sequence of (gradient, variable) pairs.",
        fix=(
            "Concatenate the lists (encoder.trainable_variables + "
            "decoder.trainable_variables); keras_vae's `train_step` differentiates and "
            "applies `self.trainable_variables`, a flat list."
        ),
        tutorials=("02",),
    ),
    # ------------------------------------------------------------------ article 003
    Erratum(
        id="003-3.1-long-range-dependencies",
        article=_A003,
        section="3.1 RNN在GAN中的应用",
        kind="text",
        defect=(
            "Capturing long-range dependencies is given as the reason generators (§3.1) and "
            "encoders (§3.2) use RNNs, as if it came with the recurrence (000 §2.2 and 001 §2 "
            "say the same). It is what recurrent networks learn worst: the gradient reaching "
            "an input k steps back is a product of k step Jacobians and typically shrinks "
            "exponentially with k, as the article itself concedes in §5 and §6."
        ),
        tensorflow=(
            "Measured at initialisation (8 units, seeded Glorot input and orthogonal recurrent "
            "kernels): the gradient of the last state's sum with respect to the first input, "
            "relative to the last input, is 0.24 / 0.004 / 1.5e-6 for a SimpleRNN over 10 / 30 "
            "/ 60 steps, and 0.057 / 6.4e-4 / 6.9e-7 for an LSTM."
        ),
        why=(
            "Bengio, Simard & Frasconi (1994) show why gradient descent struggles with long "
            "dependencies; the LSTM's gated cell (Hochreiter & Schmidhuber 1997) makes long "
            "memories learnable, not automatic."
        ),
        fix=(
            "keras_vae's sequence models use LSTM layers on fixed windows of sequence_length "
            "steps; a dependency longer than the window is out of their reach by construction."
        ),
        tutorials=("05", "06"),
    ),
    Erratum(
        id="003-4.1-lstm-on-2d-input",
        article=_A003,
        section=_S003_41,
        kind="crash",
        defect=(
            "In both networks an LSTM is applied to the output of a Dense layer on a flat "
            "vector (the 100-wide noise, the 784-value image): a (batch, units) tensor with no "
            "time axis. §4.2 repeats the pattern in its encoder and decoder."
        ),
        tensorflow=(
            "ValueError: 'Input 0 ... of layer \"lstm\" is incompatible with the layer: "
            "expected ndim=3, found ndim=2. Full shape received: (None, 128)'."
        ),
        why="Keras' recurrent layers require 3-D input (batch, timesteps, features).",
        fix=(
            "`keras_vae.SequenceGAN`'s generator reads a noise sequence (one noise vector per "
            "time step) and its discriminator reads (batch, sequence_length, num_features) "
            "sequences; `keras_vae.LSTMVAE` reads and emits sequences of that shape."
        ),
        tutorials=("05", "06"),
    ),
    Erratum(
        id="003-4.1-no-time-axis",
        article=_A003,
        section=_S003_41,
        kind="silent",
        defect=(
            "Even with a time axis added to make the shapes work, the data are flat 784-value "
            "vectors and the noise a single vector, so every 'sequence' has one step. An LSTM "
            "run for one step from a zero state never uses its recurrent weights: it is a "
            "gated dense layer, and neither the 'RNN GAN' nor §4.2's 'RNN VAE' contains any "
            "recurrence. Treating an image as a sequence would mean, e.g., 28 rows of 28 "
            "pixels, which the code never does."
        ),
        tensorflow=(
            "With input shape (batch, 1, features) the gradient of a loss with respect to the "
            "LSTM's recurrent_kernel is exactly 0.0 while its kernel and bias get non-zero "
            "gradients; with 6 steps the recurrent kernel's gradient is non-zero."
        ),
        why=(
            "At the first step the recurrent kernel U enters only through U h_0 with "
            "h_0 = 0, so a one-step sequence never exercises the recurrence."
        ),
        fix=(
            "keras_vae's sequence models take (batch, sequence_length, num_features) inputs "
            "and run their LSTMs over all sequence_length steps."
        ),
        tutorials=("05", "06"),
    ),
    Erratum(
        id="003-4.1-generator-output-overwritten",
        article=_A003,
        section=_S003_41,
        kind="crash",
        defect=(
            "Generator and discriminator are written into the same variable `x`, so when the "
            "generator model is created `x` holds the discriminator's output: the 'generator' "
            "is asked to map the noise input to the discriminator's probability, which the "
            "noise does not reach, and the generator's layers belong to no model."
        ),
        tensorflow=(
            "keras.Model(noise, x) raises ValueError 'Output with path `` is not connected to "
            "`inputs`'; only the discriminator model can be built."
        ),
        why="Python rebinds the name; the functional API follows tensors, not variable names.",
        fix=(
            "`keras_vae.SequenceGAN` keeps `generator` and `discriminator` as two sub-models "
            "built from their own inputs; the generator's outputs have the data's shape."
        ),
        tutorials=("06",),
    ),
    Erratum(
        id="003-4.1-generator-fitted-with-mse",
        article=_A003,
        section=_S003_41,
        kind="silent",
        defect=(
            "The generator is compiled with a mean-squared-error loss. A generator has no "
            "target for a given noise vector: any pairing of noise with real examples is "
            "arbitrary, and MSE against such targets is minimised by the average of the data, "
            "the same output for every noise, not by outputs that look like data (the "
            "blurry regression to the mean that adversarial training exists to avoid)."
        ),
        tensorflow=(
            "Keras minimises what it is given. With real sequences that are all +1 or all -1 "
            "(equally likely), keras.losses.MeanSquaredError gives 2.0 to a perfect generator "
            "(independent draws from the data distribution) and 1.0 to the constant 0, a "
            "sequence that never occurs: the MSE objective prefers the collapsed generator."
        ),
        why=(
            "For a target x independent of the noise u, E||x - g(u)||^2 = E||x - E[x]||^2 + "
            "E||g(u) - E[x]||^2, minimised by g = E[x]. Goodfellow et al. (2014) train the "
            "generator through the discriminator instead."
        ),
        fix=(
            "`keras_vae.SequenceGAN` has no target sequence for any noise: its g_loss is "
            "-log D(G(noise)) (`losses.generator_loss`, the non-saturating loss of Goodfellow "
            "et al. 2014, §3), plus an optional moment-matching term that compares batch "
            "statistics (per-step mean and spread) of generated and real sequences, not "
            "individual pairs."
        ),
        tutorials=("06",),
    ),
    Erratum(
        id="003-4.1-no-adversarial-training",
        article=_A003,
        section=_S003_41,
        kind="silent",
        defect=(
            "The two networks are compiled separately, each with its own loss, and never "
            "combined: there is no D(G(noise)) path, no alternation of discriminator and "
            "generator updates and no real/generated labels. The generator's loss does not "
            "involve the discriminator at all, so nothing is adversarial; §3.1.1 describes "
            "adversarial training that the code never performs."
        ),
        tensorflow=(
            "No error. The gradient of the separately compiled generator's MSE loss with "
            "respect to its weights is bit-for-bit the same whatever the discriminator's "
            "weights are; the gradient of the adversarial loss -log D(G(u)) changes when the "
            "discriminator changes."
        ),
        why=(
            "A GAN trains the generator by back-propagating the discriminator's judgement "
            "through D into G, alternating with discriminator updates on real (label 1) and "
            "generated (label 0) batches (Goodfellow et al. 2014, Algorithm 1)."
        ),
        fix=(
            "`keras_vae.SequenceGAN` is compiled with compile(d_optimizer=..., "
            "g_optimizer=...); each step of the shared training loop runs two phases, a "
            "discriminator update on real and generated batches, then a generator update "
            "through the discriminator, each with its own optimizer and variables; fit logs "
            "d_loss and g_loss."
        ),
        tutorials=("06",),
    ),
    Erratum(
        id="003-4.2-encoder-decoder-never-joined",
        article=_A003,
        section=_S003_42,
        kind="crash",
        defect=(
            "Encoder and decoder are built and compiled as two independent models, each with "
            "an MSE loss, and never composed into decoder(encoder(x)). Neither has a target it "
            "could be fitted on (there are no 'true codes' for the encoder, and the decoder's "
            "inputs would have to come from the encoder), so no reconstruction loss of x is "
            "ever formed and the autoencoder cannot be trained."
        ),
        tensorflow=(
            "Both compile. encoder.fit(x) on the data alone raises ValueError 'None values not "
            "supported.' (its MSE has no target). In the composed model decoder(encoder(x)) a "
            "reconstruction loss has non-zero gradients for both halves."
        ),
        why=(
            "An autoencoder is trained end to end on the reconstruction of its own input; the "
            "encoder learns only through the decoder's error."
        ),
        fix=(
            "`keras_vae.LSTMVAE` holds `encoder` and `decoder` as sub-models and trains them "
            "together: its train_step encodes, samples, decodes and differentiates one loss "
            "with respect to all trainable variables."
        ),
        tutorials=("05",),
    ),
    Erratum(
        id="003-4.2-tanh-bounded-code",
        article=_A003,
        section=_S003_42,
        kind="silent",
        defect=(
            "The latent code is a tanh output, a deterministic point in the square "
            "[-1, 1]^2. The N(0, I) prior from which a VAE generates puts more than half of "
            "its mass outside that square, so decoding prior draws would feed the decoder "
            "codes it never saw in training; and a mean or log-variance is an unconstrained "
            "real number that a bounded activation cannot represent."
        ),
        tensorflow=(
            "No error: Dense(2, activation='tanh') on inputs of scale 100 never leaves "
            "[-1, 1], while 53.4% of 2-D N(0, I) draws fall outside the square "
            "(1 - erf(1/sqrt(2))^2 = 0.534)."
        ),
        why=(
            "z_mean and z_log_var parameterise q(z|x) = N(z_mean, exp(z_log_var)); Kingma & "
            "Welling (2014, Appendix C.2) compute both with linear output layers."
        ),
        fix="`keras_vae.LSTMVAE`'s z_mean and z_log_var heads are separate linear Dense layers.",
        tutorials=("05",),
    ),
    Erratum(
        id="003-4.2-not-variational",
        article=_A003,
        section=_S003_42,
        kind="silent",
        defect=(
            "The encoder has a single deterministic output: no mean and log-variance, no "
            "sampling and no KL term, although §3.2.1 says the model minimises one. The "
            "snippet is a (disconnected) deterministic autoencoder, and nothing shapes its "
            "codes into a distribution from which new sequences could be drawn."
        ),
        tensorflow=(
            "No error: the encoder has one output and two calls with training=True return "
            "identical codes. An MSE-only objective is blind to where the codes lie: in a "
            "linear 16 -> 2 -> 16 model, scaling the codes by 100 and the decoder by 1/100 "
            "leaves the MSE unchanged while the KL to N(0, I) grows 10^4-fold."
        ),
        why=(
            "The ELBO is E_q[log p(x|z)] - KL(q(z|x) || p(z)) (Kingma & Welling 2014, Eq. 3), "
            "estimated with a reparameterised draw of z (§2.4)."
        ),
        fix=(
            "`keras_vae.LSTMVAE` draws z = Sampling()([z_mean, z_log_var]) and minimises "
            "reconstruction_loss + kl_weight * kl_loss, with the KL weight annealed by "
            "`keras_vae.callbacks.KLAnnealing` and optional free bits."
        ),
        tutorials=("05",),
    ),
    # ------------------------------------------------------------------ article 004
    Erratum(
        id="004-2.2-objective-missing-kl",
        article=_A004,
        section="2.2 变分自编码器",
        kind="text",
        defect=(
            "The stated VAE objective is only the expected squared reconstruction error "
            "under q(z|x) (repeated in the training steps of §3.2.3): the KL(q(z|x) || p(z)) "
            "term and the prior are missing, so it is not the ELBO and nothing keeps q near "
            "the prior."
        ),
        tensorflow=(
            "Not a TensorFlow behaviour. Checked numerically on " + _LINEAR_GAUSSIAN + " with "
            "q = the exact posterior: E_q[log p(x|z)] alone is -0.806, 1.125 above log p(x), "
            "and the difference is exactly KL(q || p(z)): without the KL the objective is "
            "not a bound."
        ),
        why="ELBO = E_q[log p(x|z)] - KL(q(z|x) || p(z)) (Kingma & Welling 2014, Eq. 3).",
        fix=(
            "DenseVAE's loss is reconstruction_loss + kl_weight * kl_loss; `fit` logs both "
            "terms."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="004-2.2-decoder-fed-h-and-z",
        article=_A004,
        section="2.2 变分自编码器",
        kind="text",
        defect=(
            "The decoder receives both the deterministic encoding h = E(x) and the random z "
            "(also §3.2.2 and step 4 of §3.2.3). The deterministic path lets all information "
            "about x bypass the latent variable, so the model can ignore z; in a VAE the "
            "decoder p(x|z) sees x only through z."
        ),
        tensorflow=(
            "In a minimal decoder Dense(16) on concat([Dense(4)(x), z]) with z held fixed, "
            "two different inputs x give outputs that differ by up to 0.66: information "
            "about x goes around the latent."
        ),
        why=(
            "The generative model is p(z) p(x|z) (Kingma & Welling 2014, §2.1); a decoder "
            "input not drawn from the prior cannot be sampled at generation time."
        ),
        fix="`vae.decoder` has a single input of shape (None, latent_dim).",
        tutorials=("02",),
    ),
    Erratum(
        id="004-3.2.3-z-drawn-independently-of-x",
        article=_A004,
        section="3.2.3 训练过程",
        kind="text",
        defect=(
            "Step 3 draws z at random, independently of x. Variational inference needs "
            "z ~ q(z|x) = N(mu(x), sigma^2(x)), drawn by reparameterisation from the "
            "encoder's outputs; a z independent of x carries no information about x "
            "(it amounts to q = prior)."
        ),
        tensorflow=(
            "Not a TensorFlow behaviour. Checked numerically on " + _LINEAR_GAUSSIAN + ": "
            "q = prior gives a bound of -6.726, 4.795 below log p(x), and the gap equals "
            "KL(p(z) || p(z|x)); q = the exact posterior gives exactly log p(x)."
        ),
        why="The ELBO's gap is KL(q(z|x) || p(z|x)) (Kingma & Welling 2014, Eq. 1).",
        fix=(
            "DenseVAE draws z with `Sampling()([z_mean, z_log_var])` from the encoder's "
            "outputs for each x."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="004-4.1-input-shape-deprecated",
        article=_A004,
        section="4.1 自编码器",
        kind="silent",
        defect=(
            "Both snippets (§4.1 and §4.2) build their Sequential models with "
            "InputLayer(input_shape=...), the Keras 2 spelling."
        ),
        tensorflow=(
            "Keras 3.15 accepts it with UserWarning 'Argument `input_shape` is deprecated. "
            "Use `shape` instead.'; under a warnings-as-errors policy (as in this project's "
            "pytest configuration) it fails."
        ),
        why="Keras 3 renamed the argument to `shape` and keeps the old one only with a warning.",
        fix=(
            "Use keras.Input(shape=...) or InputLayer(shape=...); keras_vae's models build "
            "with keras.Input(shape=input_shape) and construct without any warning."
        ),
        tutorials=("01", "02"),
    ),
    Erratum(
        id="004-4.1-undefined-x-train",
        article=_A004,
        section="4.1 自编码器",
        kind="crash",
        defect="`x_train` is used but never defined or loaded (in §4.1 and §4.2).",
        tensorflow="NameError: name 'x_train' is not defined, before TensorFlow is involved.",
        why="Plain Python: the name is used before any assignment.",
        fix="The tutorials create or load their data explicitly before calling `fit`.",
        tutorials=("01", "02"),
    ),
    Erratum(
        id="004-4.1-unflattened-images",
        article=_A004,
        section="4.1 自编码器",
        kind="crash",
        defect=(
            "The models expect flat vectors of length 784 but are used on (100, 28, 28) "
            "arrays (§4.1 and §4.2); nothing flattens them."
        ),
        tensorflow=(
            "Calling a Sequential built for (None, 16) on a (4, 4, 4) array raises "
            "ValueError 'Invalid input shape for input ... Expected shape (None, 16), but "
            "input has incompatible shape (4, 4, 4)'."
        ),
        why="The declared input shape is (None, input_dim); Keras 3 checks it on every call.",
        fix=(
            "DenseAutoencoder and DenseVAE take `input_shape=(28, 28)` (or (8, 8)) and "
            "flatten inside; `ae.encode` of an (n, 8, 8) batch returns (n, latent_dim)."
        ),
        tutorials=("01", "02"),
    ),
    Erratum(
        id="004-4.1-tested-on-random-noise",
        article=_A004,
        section="4.1 自编码器",
        kind="silent",
        defect=(
            "The trained models are evaluated on uniform random noise instead of held-out "
            "data (§4.1 and §4.2). Noise is not from the data distribution, so the output "
            "says nothing about what the model learned."
        ),
        tensorflow=(
            "Keras reconstructs anything without complaint. keras_vae's DenseAutoencoder "
            "trained on 64 structured 8x8 examples reconstructs 32 held-out examples with a "
            "mean squared error of about 0.001 and uniform noise with about 0.09."
        ),
        why="Generalisation is measured on held-out samples of the same distribution.",
        fix=(
            "The tutorials split data into train / validation / test, pass "
            "`validation_data` to `fit` and report held-out reconstruction errors."
        ),
        tutorials=("01", "02", "07"),
    ),
    Erratum(
        id="004-4.2-normal-sample-does-not-exist",
        article=_A004,
        section="4.2 变分自编码器",
        kind="crash",
        defect="The log-variance line calls a TensorFlow random function that does not exist.",
        tensorflow=(
            "AttributeError: module 'tensorflow._api.v2.random' has no attribute "
            "'normal_sample'."
        ),
        why="tf.random offers normal, uniform, etc.; there is no normal_sample.",
        fix="keras_vae draws its noise with keras.random.normal inside `Sampling`.",
        tutorials=("02",),
    ),
    Erratum(
        id="004-4.2-z-dim-not-stored",
        article=_A004,
        section="4.2 变分自编码器",
        kind="crash",
        defect=(
            "`call` uses z_dim, a constructor argument that is never stored on self, so it "
            "is not in scope inside `call`."
        ),
        tensorflow=(
            "NameError: name 'z_dim' is not defined, re-raised by Keras with 'Exception "
            "encountered when calling ...call()'."
        ),
        why="Constructor arguments are local to __init__; call() sees only self and its args.",
        fix="DenseVAE stores `self.latent_dim` and builds its heads with it.",
        tutorials=("02",),
    ),
    Erratum(
        id="004-4.2-reduce-sum-axis-out-of-range",
        article=_A004,
        section="4.2 变分自编码器",
        kind="crash",
        defect=(
            "The log-variance line reduces a rank-2 tensor over axis 1 (leaving rank 1) "
            "and then sums the result over axis 1 again, an axis that no longer exists."
        ),
        tensorflow=(
            "tf.errors.InvalidArgumentError: 'Invalid reduction dimension (1 for input with "
            "1 dimension(s)'."
        ),
        why="Each reduction removes the axis it reduces.",
        fix=(
            "keras_vae's losses reduce explicitly over the non-batch axes and return shape "
            "(batch,); `losses.gaussian_kl` of (batch, latent_dim) inputs is (batch,)."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="004-4.2-log-var-independent-of-x",
        article=_A004,
        section="4.2 变分自编码器",
        kind="silent",
        defect=(
            "Even if it ran, the log-variance would be computed from the sample variance of "
            "fresh random numbers: a random quantity unrelated to x and to any weight, so "
            "the posterior variance is neither a function of x nor learned."
        ),
        tensorflow=(
            "The gradient of such a log-variance with respect to the encoder's variables is "
            "[None, None], and two evaluations on the same x differ."
        ),
        why="q(z|x)'s variance must be an output of the encoder network (Kingma & Welling 2014, §3).",
        fix=(
            "`vae.z_log_var_layer` is a Dense layer on the encoder's hidden features; its "
            "output varies with x and receives gradients."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="004-4.2-noise-shaped-like-input",
        article=_A004,
        section="4.2 变分自编码器",
        kind="crash",
        defect=(
            "epsilon is drawn with the input's shape (batch, 784) instead of the latent "
            "mean's shape, then added to z_mean."
        ),
        tensorflow=(
            "tf.errors.InvalidArgumentError: 'Incompatible shapes: [4,64] vs. [4,10]' (for "
            "64 input features and a 10-wide mean); if the widths happened to match it "
            "would run silently with wrongly sized noise."
        ),
        why="The noise must have z_mean's shape: z = z_mean + sigma * epsilon elementwise.",
        fix="`keras_vae.Sampling` draws epsilon with ops.shape(z_mean).",
        tutorials=("02",),
    ),
    Erratum(
        id="004-4.2-z-mean-is-relu-hidden-layer",
        article=_A004,
        section="4.2 变分自编码器",
        kind="silent",
        defect=(
            "z_mean is the encoder's hidden ReLU layer itself: it is non-negative and as "
            "wide as the hidden layer (encoding_dim), while z_dim is never used for it."
        ),
        tensorflow=(
            "No error: the encoder output has shape (None, 10) for encoding_dim = 10 and "
            "z_dim = 2, with minimum 0.0."
        ),
        why="The mean needs its own linear head of width latent_dim.",
        fix=(
            "DenseVAE's `z_mean` head is a linear Dense(latent_dim) after the hidden ReLU "
            "layers; `vae.encode(x)[0]` has shape (n, latent_dim)."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="004-4.2-list-into-sequential-decoder",
        article=_A004,
        section="4.2 变分自编码器",
        kind="crash",
        defect=(
            "The decoder, a Sequential built for one input of width encoding_dim + z_dim, "
            "is called with a Python list of two tensors instead of their concatenation."
        ),
        tensorflow=(
            "Keras first emits UserWarning 'The structure of `inputs` doesn't match the "
            "expected structure', then raises ValueError 'expected axis -1 of input shape to "
            "have value 12, but received input with shape (4, 10)' (it feeds the first "
            "tensor of the list to the first layer)."
        ),
        why="A Sequential model has one input; a list is not concatenated for you.",
        fix=(
            "Concatenate explicitly (keras.ops.concatenate) - but a VAE decoder should get z "
            "only; `vae.decoder` has one (None, latent_dim) input."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="004-4.2-multi-output-single-loss",
        article=_A004,
        section="4.2 变分自编码器",
        kind="crash",
        defect=(
            "The model returns three outputs (reconstruction, z_mean, z_log_var) but is "
            "compiled with one loss string and fitted with one target."
        ),
        tensorflow=(
            "fit raises KeyError: 'The path: (0,) in the `loss` argument, can't be found in "
            "either the model's output (`y_pred`) or in the labels (`y_true`).'"
        ),
        why=(
            "Keras 3 matches the loss structure against the outputs and targets; a single "
            "loss and target cannot be matched to a 3-output structure."
        ),
        fix=(
            "The model owns its loss: keras_vae's `compile(loss=...)` raises ValueError, and "
            "`fit(x)` minimises `compute_terms(x)['loss']`."
        ),
        tutorials=("02",),
    ),
    Erratum(
        id="004-4.2-no-kl",
        article=_A004,
        section="4.2 变分自编码器",
        kind="silent",
        defect=(
            "The compiled loss is binary cross-entropy on the reconstruction only; z_mean "
            "and z_log_var are returned but never penalised, so there is no KL term."
        ),
        tensorflow=(
            "Keras trains the loss it is given. In a minimal linear encoder/decoder, scaling "
            "the codes by 100 (and the decoder by 1/100) leaves the reconstruction loss "
            "unchanged while the KL term grows 10^4-fold: a reconstruction-only loss cannot "
            "see where the codes are."
        ),
        why="ELBO = E_q[log p(x|z)] - KL(q(z|x) || p(z)) (Kingma & Welling 2014, Eq. 3).",
        fix="DenseVAE's loss includes `kl_weight * kl_loss`; history reports kl_loss.",
        tutorials=("02",),
    ),
)


def for_article(article_prefix: str, section_prefix: str | None = None) -> tuple[Erratum, ...]:
    """Entries whose article starts with `article_prefix` (e.g. "002") and, if given,
    whose section starts with `section_prefix` (e.g. "4.3")."""
    return tuple(
        e
        for e in ERRATA
        if e.article.startswith(article_prefix)
        and (section_prefix is None or e.section.startswith(section_prefix))
    )


def for_tutorial(number: str) -> tuple[Erratum, ...]:
    """Entries shown in the numbered tutorial `number` ("01" ... "07"; an int is padded)."""
    number = f"{int(number):02d}" if isinstance(number, int) else str(number)
    return tuple(e for e in ERRATA if number in e.tutorials)


def _kind_counts(entries) -> str:
    counts = {kind: sum(e.kind == kind for e in entries) for kind in KINDS}
    return ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)


def to_markdown(entries=ERRATA) -> str:
    """Renders entries as Markdown, grouped by article, then section (in first-seen order)."""
    entries = tuple(entries)
    lines = [
        "# Errata of the blog articles",
        "",
        (
            "<!-- Generated by `python -m keras_vae.errata > docs/errata.md`; edit "
            "keras_vae/errata.py instead. -->"
        ),
        "",
        (
            "Every defect we found in the code and maths of the VAE, recurrent and GAN "
            "sections of five blog articles, with what TensorFlow 2.21 / Keras 3.15 actually "
            "does when a minimal reproduction is run, why, and where keras_vae does it right. "
            "Each entry has a test in `tests/test_errata.py` (`test_<id>`, with `-` and `.` as "
            "`_`) that reproduces the defect and, where the corrected code exists, checks it."
        ),
        "",
        "Kinds: **crash** (the code raises), **silent** (it runs, or only warns, but "
        "computes the wrong thing), **text** (a wrong statement or formula). Tutorials: "
        + ", ".join(f"`{k}` {v}" for k, v in TUTORIALS.items())
        + ". Sections are the articles' own headings.",
        "",
        (
            "References: Kingma & Welling, *Auto-Encoding Variational Bayes*, ICLR 2014, "
            "https://arxiv.org/abs/1312.6114 (Eq. 1: log p(x) = ELBO + KL(q(z|x) || p(z|x)); "
            "Eq. 3: the ELBO; §2.4: reparameterisation; Appendix B: closed-form Gaussian KL); "
            "Goodfellow et al., *Generative Adversarial Nets*, NeurIPS 2014, "
            "https://arxiv.org/abs/1406.2661 (Algorithm 1); Bowman et al., *Generating "
            "Sentences from a Continuous Space*, CoNLL 2016, https://arxiv.org/abs/1511.06349 "
            "(LSTM VAE, KL annealing); Bengio, Simard & Frasconi, *Learning Long-Term "
            "Dependencies with Gradient Descent is Difficult*, IEEE Trans. Neural Networks "
            "5(2), 1994."
        ),
        "",
        f"{len(entries)} entries: {_kind_counts(entries)}.",
    ]
    articles: dict[str, dict[str, list[Erratum]]] = {}
    for e in entries:
        articles.setdefault(e.article, {}).setdefault(e.section, []).append(e)
    for article, sections in articles.items():
        about = ARTICLES.get(article)
        lines += ["", f"## `{article}`" + (f": {about}" if about else "")]
        for section, items in sections.items():
            lines += ["", f"### §{section}"]
            for e in items:
                lines += [
                    "",
                    f"#### `{e.id}` ({e.kind})",
                    "",
                    f"- **Defect:** {e.defect}",
                    f"- **What TensorFlow does:** {e.tensorflow}",
                    f"- **Why:** {e.why}",
                    f"- **Fix:** {e.fix}",
                    f"- **Tutorials:** {', '.join(e.tutorials)}; test: `{e.test_name}`",
                ]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    """Writes the Markdown errata to standard output."""
    del argv
    sys.stdout.write(to_markdown(ERRATA))
    return 0


if __name__ == "__main__":
    sys.exit(main())
