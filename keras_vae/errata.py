"""Errata of the blog articles keras_vae corrects: one structured list, many readers.

The numbered tutorials, the docs page `docs/errata.md` and `tests/test_errata.py` all read
`ERRATA` below. Each entry is an `Erratum`:

- `id`: unique, lowercase, `<article number>-<section number>-<short-name>`, e.g.
  `"002-4.3-kl-outside-tape"`. Its test in `tests/test_errata.py` is `test_<id>` with `-`
  and `.` replaced by `_` (`test_002_4_3_kl_outside_tape`); every entry has exactly one.
- `article`: the seed file name of the article (`"002_99374ef0cbdf6e3a.txt"`).
- `section`: the article's own section heading, verbatim (Chinese), without the leading
  `#`s, so readers can find the place.
- `kind`: `"crash"` (the code raises), `"silent"` (it runs, or only warns, but computes the
  wrong thing) or `"text"` (a wrong statement or formula in the prose).
- `defect`, `tensorflow`, `why`, `fix`: what is wrong (in our own words; no article text is
  quoted), what TensorFlow 2.21 / Keras 3.15 actually does with a minimal reproduction (as
  observed by running it; the test re-runs it), why, and how keras_vae does it instead.
- `tutorials`: the numbered tutorials that show the defect and its fix: `"01"` is the dense
  autoencoder (article 004 §4.1), `"02"` the dense VAE (articles 000, 002, 004 §4.2).

References used throughout: Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014,
https://arxiv.org/abs/1312.6114 (Eq. 1: log p(x) = ELBO + KL(q(z|x) || p(z|x)); Eq. 3 the
ELBO; §2.4 the reparameterisation trick; Appendix B the closed-form Gaussian KL).

Regenerate the docs page with `python -m keras_vae.errata > docs/errata.md`. This module
imports only the standard library (no TensorFlow, no Keras); the tests do the running.
"""

from __future__ import annotations

import dataclasses
import sys

KINDS = ("crash", "silent", "text")

ARTICLES = {
    "000_5fc41156a1ca64e2.txt": "VAEs compared with RNNs (structure and behaviour)",
    "002_99374ef0cbdf6e3a.txt": "VAE basics: encoder, decoder, reparameterisation, lower bound",
    "004_21b0a4fad713f53e.txt": "Autoencoders compared with variational autoencoders",
}

TUTORIALS = {
    "01": "dense autoencoder",
    "02": "dense VAE",
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
_A002 = "002_99374ef0cbdf6e3a.txt"
_A004 = "004_21b0a4fad713f53e.txt"

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
        tutorials=("02",),
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
        tutorials=("02",),
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
        tutorials=("01", "02"),
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
    """Entries shown in the numbered tutorial `number` ("01", "02"; an int is padded)."""
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
        "<!-- Generated by `python -m keras_vae.errata > docs/errata.md`; edit "
        "keras_vae/errata.py instead. -->",
        "",
        "Every defect we found in the code and maths of the VAE sections of three blog "
        "articles, with what TensorFlow 2.21 / Keras 3.15 actually does when a minimal "
        "reproduction is run, why, and where keras_vae does it right. Each entry has a test "
        "in `tests/test_errata.py` (`test_<id>`, with `-` and `.` as `_`) that reproduces "
        "the defect and checks the corrected model or maths.",
        "",
        "Kinds: **crash** (the code raises), **silent** (it runs, or only warns, but "
        "computes the wrong thing), **text** (a wrong statement or formula). Tutorials: "
        + ", ".join(f"`{k}` {v}" for k, v in TUTORIALS.items())
        + ". Sections are the articles' own headings.",
        "",
        "Reference: Kingma & Welling, *Auto-Encoding Variational Bayes*, ICLR 2014, "
        "https://arxiv.org/abs/1312.6114 (Eq. 1: log p(x) = ELBO + KL(q(z|x) || p(z|x)); "
        "Eq. 3: the ELBO; §2.4: reparameterisation; Appendix B: closed-form Gaussian KL).",
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
