# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Tutorial 02: a dense variational autoencoder (and β)
#
# **Description:** train a VAE with a 2-D latent space on scikit-learn's 8×8 digits: an
# encoder that outputs a Gaussian, the reparameterisation trick, and a loss with a
# reconstruction term and a KL term, both summed over dimensions. Compare its latent
# space, decoded latent grid and prior samples with the autoencoder of tutorial 01, and
# see what the weight β of the KL term trades off, and which likelihood these digits,
# counts out of 16 pixels, call for.
#
# **Run time:** about 2.5 minutes on 2 CPU cores (140 s in the main job of 2026-12-07, two
# tutorials at a time, TensorFlow import included; up to 4 minutes on a busy machine);
# about 15 s with `KERAS_VAE_FAST=1`.
#
# **Corrects:** the VAE code (and the maths it implements) of three articles: article
# 000 (`000_5fc41156a1ca64e2.txt`, VAEs compared with RNNs), section "4.1
# 变分自编码器（VAEs）"; article 002 (`002_99374ef0cbdf6e3a.txt`, VAE basics), section 4
# "具体代码实例和详细解释说明" (4.1 to 4.3); article 004 (`004_21b0a4fad713f53e.txt`,
# autoencoders compared with VAEs), section "4.2 变分自编码器".
#
# **Run it** from any folder, as a script or as a notebook (`jupytext --to notebook`):
#
# ```
# python tutorials/02_dense_vae.py                     # full run
# KERAS_VAE_FAST=1 python tutorials/02_dense_vae.py    # smoke test, seconds
# keras-vae-tutorials --only 02                        # the same, via the runner
# ```
#
# (From a source checkout without `pip install -e .`, put the checkout on `PYTHONPATH`.)
# Figures and `summary.json` go to `$KERAS_VAE_OUTPUT`, by default `outputs/02_dense_vae`
# under the current folder.
#
# **Expected numbers**, measured on 2026-12-07 on 2 AMD EPYC cores (TensorFlow 2.21, Keras
# 3.15.1) with `keras-vae-tutorials --output /tmp/mainjob` (the README's main job): for
# β = 1, test `loss` **24.49** = `reconstruction_loss` **21.53** + `kl_loss` **2.96** nats
# per image. The β
# comparison and the other numbers are under "Results".

# %% [markdown]
# ## Setup
#
# Every knob that changes the size of the run is an UPPER_CASE constant.
# `KERAS_VAE_FAST=1` (set by the tests and by `keras-vae-tutorials --fast`) shrinks the run
# to a few hundred images and a few epochs: every line runs, the numbers mean nothing.
# `tutorial.start` reads `KERAS_VAE_FAST` and `KERAS_VAE_OUTPUT`, makes the output folder
# and starts the clock; `run.report`, at the end, writes `summary.json`.

# %%
import json

import keras
import numpy as np
from matplotlib.figure import Figure

from keras_vae import DenseVAE, data, errata, evaluation, plotting, tutorial

run = tutorial.start("02_dense_vae")
FAST, OUTPUT_DIR = run.fast, run.output_dir

SEED = 0
LATENT_DIM = 2  # 2-D latents can be drawn directly, with no projection
HIDDEN_DIMS = (256, 128)  # the same networks as tutorial 01's autoencoder
BETA = 1.0  # beta = 1: the loss is exactly the negative ELBO
COMPARE_BETAS = (0.1, 4.0)  # extra models for the beta comparison, trained like the first
LEARNING_RATE = 1e-3
BATCH_SIZE = 32
EPOCHS = 3 if FAST else 200
NUM_TRAIN = 256 if FAST else None  # None: all 1258 training images
NUM_SAMPLES = 100  # images decoded from prior draws
LIKELIHOOD_LATENT_DIM = 8  # the likelihood comparison's code size (the benchmark's too)
GRID_SIZE = 15  # the decoded latent grid is GRID_SIZE x GRID_SIZE images
VERBOSE = 2 if FAST else 0  # Keras' fit() logging: one line per epoch, or none

keras.utils.set_random_seed(SEED)  # Python, NumPy and TensorFlow global seeds
print(f"fast={FAST}, epochs={EPOCHS}, output folder: {OUTPUT_DIR}")

# %% [markdown]
# ## The objective
#
# The encoder maps an image $x$ to the mean and log-variance of a diagonal Gaussian over
# the latent $z$, with **two separate** linear layers on top of a shared MLP:
# $q_\phi(z \mid x) = \mathcal{N}\big(\mu_\phi(x), \operatorname{diag}(\exp(\log\sigma^2_\phi(x)))\big)$.
# The decoder maps $z$ to 64 logits, one Bernoulli probability
# $p_d = \sigma(g_\theta(z))_d$ per pixel. For one image, summing over the 64 pixels and
# the `LATENT_DIM` latent dimensions:
#
# $$\text{reconstruction\_loss}(x) = -\log p_\theta(x \mid z)
#   = -\sum_{d=1}^{64} \big[x_d \log p_d + (1 - x_d) \log(1 - p_d)\big],
#   \quad z \sim q_\phi(z \mid x) \tag{1}$$
#
# $$\text{kl\_loss}(x) = \mathrm{KL}\big(q_\phi(z \mid x) \,\|\, \mathcal{N}(0, I)\big)
#   = \tfrac{1}{2} \sum_{j=1}^{2} \big(\sigma_j^2 + \mu_j^2 - 1 - \log \sigma_j^2\big) \tag{2}$$
#
# $$\text{loss}(x) = \text{reconstruction\_loss}(x) + \beta \, \text{kl\_loss}(x) \tag{3}$$
#
# and training minimises the **mean over the batch** of Eq. (3). The one $z$ in Eq. (1)
# is drawn with the reparameterisation trick, which makes it a differentiable function of
# the encoder's outputs:
#
# $$z = \mu + \exp(\tfrac{1}{2} \log \sigma^2) \odot \varepsilon, \qquad
#   \varepsilon \sim \mathcal{N}(0, I) \tag{4}$$
#
# With $\beta = 1$, Eq. (3) is the negative evidence lower bound (ELBO), so
# $-\log p_\theta(x) \le \text{loss}(x)$ in expectation (Kingma & Welling 2014, Eq. 3;
# the closed-form KL is their Appendix B). Eq. (1)-(3) are the lines tagged `# Eq. (1)`
# to `# Eq. (3)` in `DenseVAE.compute_terms`; Eq. (4) is `keras_vae.Sampling`. Both
# terms must be **sums** over dimensions: averaging Eq. (1) over the 64 pixels while
# summing Eq. (2) would silently multiply β by 64.

# %% [markdown]
# ## Data
#
# The same split as tutorial 01: 1258 training, 180 validation and 359 test images,
# float32 in $[0, 1]$, no download.

# %%
splits = data.load_digits(seed=SEED)
x_train, y_train = splits.x_train[:NUM_TRAIN], splits.y_train[:NUM_TRAIN]
x_val, x_test, y_test = splits.x_val, splits.x_test, splits.y_test
print(f"train {x_train.shape}, validation {x_val.shape}, test {x_test.shape}")

# %% [markdown]
# ## Model
#
# `DenseVAE` has tutorial 01's networks, except that the encoder ends in two heads,
# `z_mean` and `z_log_var`. The KL weight β is a non-trainable variable (`kl_weight`), so
# a callback could anneal it without retracing the training step.

# %%
def make_vae(beta):
    vae = DenseVAE(
        input_shape=(8, 8), latent_dim=LATENT_DIM, hidden_dims=HIDDEN_DIMS, beta=beta,
        likelihood="bernoulli", seed=SEED,
    )
    vae.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE))
    return vae


vae = make_vae(BETA)
vae.encoder.summary()

# %% [markdown]
# ## Training
#
# `fit` logs the three terms, each with its `val_` twin, and returns them per epoch in
# `history`; `kl_loss` is logged unweighted, so `loss = reconstruction_loss + β·kl_loss`
# can be checked by hand.

# %%
def train(model):
    history = model.fit(
        x_train, epochs=EPOCHS, batch_size=BATCH_SIZE, validation_data=(x_val,),
        verbose=VERBOSE,
    )
    return history.history


history = train(vae)
print({key: round(values[-1], 3) for key, values in history.items()})

# %% [markdown]
# ## Results
#
# ### Test-set numbers
#
# All terms are nats per image (sums over pixels or latent dimensions, means over
# images). `evaluate` draws one $z$ per image, as training does, so the test loss is a
# one-sample estimate of the negative ELBO; `reconstruct` decodes the posterior mean
# $\mu_\phi(x)$ instead, and gives the MSE per pixel, comparable with tutorial 01.
# A latent dimension is **active** when the variance of $\mu_\phi(x)$ over the test
# images exceeds 0.01 (Burda et al. 2016): an inactive one carries no information.
#
# **Expected** (β = 1, full run, 2026-12-07, 2 CPU cores; command in the header): test
# `loss` **24.49** = `reconstruction_loss` **21.53** + `kl_loss` **2.96** nats per image
# (after 200 epochs: training 23.73, validation 24.17; the curves are still creeping
# down), MSE per pixel **0.0335** (tutorial 01's autoencoder: 0.0319), both latent
# dimensions active, and 11.6% of prior draws off the data (1.2% of the fitted
# mixture's). The VAE pays about 1.2 nats of reconstruction and 3 nats of KL for a latent
# space it can sample from.

# %%
def summarise(model, history):
    """Test-set loss terms plus the extra numbers of this tutorial, for `run.report`."""
    test = model.evaluate(x_test, batch_size=BATCH_SIZE, return_dict=True, verbose=0)
    z_mean_train = model.encode(x_train)  # (n_train, latent_dim)
    z_mean_test = model.encode(x_test)  # (359, latent_dim)
    prior_codes = model.sample_codes(1000, seed=SEED, prior="standard")  # (1000, LATENT_DIM) from N(0, I)
    mixture_codes = model.sample_codes(1000, seed=SEED)  # the default: the mixture fit() fitted
    final = {key: values[-1] for key, values in history.items()}
    return tutorial.results(
        final, test,
        test_mse_per_pixel=float(np.mean((model.reconstruct(x_test) - x_test) ** 2)),
        prior_codes_off_data=evaluation.off_data_fraction(prior_codes, z_mean_train, z_mean_test),
        mixture_codes_off_data=evaluation.off_data_fraction(mixture_codes, z_mean_train, z_mean_test),
        active_units=evaluation.active_units(z_mean_test),
    )


results = {"DenseVAE": summarise(vae, history)}
print(json.dumps(results["DenseVAE"]["test"]), json.dumps(results["DenseVAE"]["extra"]))
plotting.training_curves(
    history, title="DenseVAE (β = 1)", path=OUTPUT_DIR / "training_curves.png"
)

# %%
plotting.reconstruction_grid(
    x_test, vae.reconstruct(x_test), path=OUTPUT_DIR / "reconstructions.png"
)

# %% [markdown]
# ### The latent space and the decoded latent grid
#
# The posterior means of the test images, coloured by digit, now sit inside a disc of
# radius 2 to 3 around the origin, where the prior puts its mass: the KL term charges
# for every code far from it. The decoded grid spans the prior's 5% to 95% quantiles on
# each axis, so every image in it is one the decoder meets when sampling.

# %%
z_mean_test = vae.encode(x_test)
plotting.latent_scatter(
    z_mean_test, y_test, title="DenseVAE posterior means (test set)",
    path=OUTPUT_DIR / "latent_space.png",
)

# %%
plotting.decoded_latent_grid(
    vae.decode, GRID_SIZE, title="Decoded prior quantiles (5% to 95%)",
    path=OUTPUT_DIR / "latent_grid.png",
)

# %% [markdown]
# ### Sampling: the prior, or the codes the VAE actually uses
#
# A VAE is trained with the prior $\mathcal{N}(0, I)$, so decoding draws from it is the
# textbook way to sample: `vae.sample(n, prior="standard")`. But the KL term only pulls
# the posteriors *towards* the prior; their mixture over the training images, the
# **aggregate posterior**, rarely fills it, and prior draws that land between the
# posteriors decode to images the decoder never learned. So `vae.sample(n)` by default
# draws from a mixture of 20 Gaussians that `fit` fitted to the posterior means of the
# training images, the same sampler tutorial 01's autoencoder uses (ex-post density
# estimation, Ghosh et al. 2020). `prior_codes_off_data` and `mixture_codes_off_data`
# above are tutorial 01's "off the data" measure (the share of 1000 draws farther from
# every training code than 99% of test codes are) for the two samplers.
# **Expected** (β = 1, full run): 11.6% of prior draws and 1.2% of mixture draws are off
# the data. The mixture's codes sit where the training codes are, but the images are not
# sharper for it. `benchmarks/vae_samples.py` scores both samplers' images against the
# test digits with two-sample classifier tests and a digit classifier's class histogram
# (table in the README), and adds the *decoder floor*: the same test applied to the
# VAE's reconstructions of real training digits, i.e. the decoder fed the codes of real
# data. On 2026-12-07 the floor scored 0.362 (1-NN accuracy − 0.5, 3 seeds), the prior's
# samples 0.359 and the mixture's 0.364: no choice of codes can do better than real
# codes, so at β = 1 it is the decoder's blurred means, not the codes, that give a VAE's
# digit samples away.

# %%
figure = Figure(figsize=(9.2, 5.0), layout="constrained")
axes = figure.subplots(1, 2)
plotting.sample_grid(vae.sample(NUM_SAMPLES, seed=SEED, prior="standard"), title='sample(n, prior="standard")', ax=axes[0])
plotting.sample_grid(vae.sample(NUM_SAMPLES, seed=SEED), title="sample(n): the fitted mixture (default)", ax=axes[1])
plotting.save_figure(figure, OUTPUT_DIR / "samples.png")

# %% [markdown]
# ### What β trades off
#
# The same model trained with a smaller and a larger KL weight. A small β lets the codes
# spread beyond the prior and buys a lower reconstruction loss; a large β charges more for
# every nat of information a code carries about its image. Only β = 1 makes the loss a
# bound on $-\log p(x)$, so the models are compared on their negative ELBO,
# `reconstruction_loss + kl_loss`, not on their own `loss`.
#
# **Expected** (full run; negative ELBO = reconstruction + KL, nats per image):
#
# | β | negative ELBO | reconstruction | KL | MSE per pixel | active units | prior draws off the data | mixture draws off the data |
# |---|---|---|---|---|---|---|---|
# | 0.1 | 26.99 | 20.36 | 6.63 | 0.0314 | 2 | 1.4% | 1.1% |
# | 1 | **24.49** | 21.53 | 2.96 | 0.0335 | 2 | 11.6% | 1.2% |
# | 4 | 27.20 | 27.20 | 0.00 | 0.0740 | 0 | 100.0% | 0.7% |
#
# β = 1, the only model trained on the ELBO itself, has the best bound. β = 0.1
# reconstructs as well as the autoencoder (MSE 0.0314, against its 0.0319) with codes
# spread beyond the prior, so prior draws fall inside the data's codes (1.4% off the
# data). β = 4 shows **posterior collapse**: the mean KL is 1.6e-5 nats, no latent
# dimension is active (the posterior means vary by less than 0.01 across test images),
# and the decoder draws the same average digit for every $z$ (so every one of the 1000
# prior draws counts as off the data; the mixture, fitted to codes that all sit in one
# spot, stays on them). The β = 1 numbers explain it: a code worth 2.96 nats of KL buys
# 27.20 − 21.53 ≈ 5.7 nats of reconstruction; at β = 4 the same code would cost 11.8,
# more than it buys, so carrying no information is the better optimum.

# %%
models = {BETA: vae}
for beta in COMPARE_BETAS:
    models[beta] = make_vae(beta)
    results[f"DenseVAE(beta={beta:g})"] = summarise(models[beta], train(models[beta]))
betas = sorted(models)
for beta in betas:
    name = "DenseVAE" if beta == BETA else f"DenseVAE(beta={beta:g})"
    test = results[name]["test"]
    elbo = test["reconstruction_loss"] + test["kl_loss"]
    print(f"beta={beta:<4g} negative ELBO {elbo:6.2f} = reconstruction "
          f"{test['reconstruction_loss']:6.2f} + KL {test['kl_loss']:5.2f}; "
          f"active units {results[name]['extra']['active_units']}; codes off the data: "
          f"prior {results[name]['extra']['prior_codes_off_data']:.1%}, "
          f"mixture {results[name]['extra']['mixture_codes_off_data']:.1%}")

figure = Figure(figsize=(4.6 * len(betas), 8.4), layout="constrained")
axes = figure.subplots(2, len(betas), squeeze=False)
for column, beta in enumerate(betas):
    z_mean = models[beta].encode(x_test)
    plotting.latent_scatter(z_mean, y_test, title=f"β = {beta:g}: posterior means",
                            ax=axes[0, column])
    plotting.sample_grid(models[beta].sample(36, seed=SEED), ncols=6,
                         title=f"β = {beta:g}: samples (fitted mixture)", ax=axes[1, column])
plotting.save_figure(figure, OUTPUT_DIR / "beta_comparison.png")

# %% [markdown]
# ### The likelihood the digits call for
#
# The Bernoulli likelihood reads each value as the probability of one black pixel. These
# digits are something else: scikit-learn built each of the 64 values by counting the set
# pixels in a 4×4 block of a 32×32 bitmap, so a value is a count from 0 to 16, divided by
# 16. The likelihood of a count out of 16 draws is the binomial,
# `likelihood="binomial", trials=16`. Its log-probability is 16 times the Bernoulli
# cross-entropy plus a constant, so in the counts' own terms the Bernoulli VAE above
# charges the KL term 16 times too much: it is a β = 16 VAE, and its decoder outputs blurred
# averages. That is why, in `benchmarks/vae_samples.py`, no sampler beat the standard prior
# with the Bernoulli likelihood: the prior's samples already score as badly as the
# decoder's reconstructions of real digits.
#
# Below, the same 8-D model with each likelihood, and the **1-NN two-sample test**
# `evaluation.nearest_neighbour_two_sample(real, samples)` against the test digits: the
# accuracy with which each image's nearest neighbour (pixel distance, leave-one-out)
# tells samples from real digits, minus 0.5. About 0 means the samples mix with the
# digits as well as other real digits do (the floor row scores training digits); 0.5
# means they sit apart. The binomial NLL (nats per digit, a true probability of the
# counts) cannot be compared with the Bernoulli one, so only the samples are compared.
#
# **Expected** (full run, 2026-12-07; command in the header), 1-NN accuracy − 0.5 against
# the 359 test digits (real training digits: −0.007):
#
# | likelihood | `sample(n)` (mixture, default) | `sample(n, prior="standard")` | reconstructions of real digits |
# |---|---|---|---|
# | Bernoulli | 0.221 | 0.212 | 0.208 |
# | binomial, 16 trials | **0.155** | 0.277 | 0.082 |
#
# With the Bernoulli likelihood the two samplers and even the reconstructions of real
# digits score alike: the decoder's blur gives every image away. With the binomial one the
# reconstructions drop to 0.082, and the mixture's samples (0.155) beat the prior's
# (0.277), whose codes the sharper decoder now turns into images less like digits. The
# figure shows it: the Bernoulli samples are grey and soft, the binomial ones have the
# real digits' dark strokes. This is one training seed; `benchmarks/vae_samples.py`
# (batch 64, 3 seeds) gives the binomial mixture 0.111 ± 0.030 against the prior's
# 0.269 ± 0.010, the table in the README.

# %%
likelihood_models = {}
floor = splits.x_train[np.random.default_rng(SEED).choice(len(splits.x_train), len(x_test), replace=False)]
for name, options in (("bernoulli", {}), ("binomial", {"likelihood": "binomial", "trials": 16})):
    model = DenseVAE(input_shape=(8, 8), latent_dim=LIKELIHOOD_LATENT_DIM, hidden_dims=HIDDEN_DIMS, seed=SEED, **options)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE))
    likelihood_models[name] = model
    label = f"DenseVAE(latent_dim={LIKELIHOOD_LATENT_DIM}, likelihood={name})"
    results[label] = summarise(model, train(model))
    results[label]["extra"].update({  # 1-NN two-sample scores against the test digits
        "nn_two_sample": evaluation.nearest_neighbour_two_sample(x_test, model.sample(len(x_test), seed=SEED)),
        "nn_two_sample_prior": evaluation.nearest_neighbour_two_sample(
            x_test, model.sample(len(x_test), seed=SEED, prior="standard")),
        "nn_two_sample_reconstructions": evaluation.nearest_neighbour_two_sample(x_test, model.reconstruct(floor)),
        "nn_two_sample_real_floor": evaluation.nearest_neighbour_two_sample(x_test, floor),
    })
    print(label, {key: round(value, 3) for key, value in results[label]["extra"].items() if key.startswith("nn_")})

figure = Figure(figsize=(13.8, 5.0), layout="constrained")
axes = figure.subplots(1, 3)
plotting.sample_grid(floor[:NUM_SAMPLES], title="real training digits", ax=axes[0])
for ax, (name, model) in zip(axes[1:], likelihood_models.items()):
    plotting.sample_grid(model.sample(NUM_SAMPLES, seed=SEED), title=f'likelihood="{name}": sample(n)', ax=ax)
plotting.save_figure(figure, OUTPUT_DIR / "likelihoods.png")

# %%
run.report(results)

# %% [markdown]
# ## What the article got wrong
#
# The errata entries for the three articles' VAE code: each names the defect, the error
# TensorFlow really raises (or the silent wrong result), why, and the fix used above.

# %%
errata.show(errata.for_tutorial("02"))

# %% [markdown]
# In short, none of the three articles' VAE snippets trains a VAE:
#
# - **They do not run.** Undefined names (`x_train`, `inputs`, `z`, `z_dim`), a random
#   function TensorFlow does not have, a sum over an axis that no longer exists, noise
#   shaped like the input instead of the latent, a decoder built on its own `Input` (a
#   disconnected graph), a layer class passed where an activation function belongs, 28
#   outputs for a 784-pixel image, lists fed to layers that take one tensor, three
#   outputs with one loss, and gradients nested in lists the optimizer cannot apply.
# - **Fixed up until they run, they compute something else.** No $z$ is ever sampled, so
#   the variance head learns nothing; the KL term is missing, has the wrong formula and
#   sign, or is computed outside the `GradientTape` as a constant; one shared layer (with
#   a ReLU) produces both $\mu$ and $\log\sigma^2$, or the "mean" is a hidden ReLU
#   layer, or a `Dense` applied pixel by pixel to an unflattened image; the decoder also
#   gets a copy of $x$ that bypasses $z$; and a mean over pixels next to a sum over
#   latents turns β = 1 into β = 64 (784 on MNIST). Eq. (1)-(4) and the β comparison
#   above show what the fixed model does instead.
# - **The prose misstates the maths.** The ELBO is written as an equality, called
#   non-negative, and kept as "the bound" for any β; the KL is named after Cramér and
#   taken against "the true distribution" instead of the prior; the encoder is called
#   the generative model and the latent code "noise".

# %% [markdown]
# ## Conclusion
#
# A VAE trades a little reconstruction quality (compare the test MSE with tutorial 01's)
# for a latent space shaped like its prior, so decoding prior draws gives digits without
# any fitted code distribution, and the decoded grid changes smoothly between classes.
# β sets the exchange rate, and with a 2-D code β = 4 already prices all information
# out. **Next:** tutorials 03 to 05 (an LSTM forecaster, an LSTM autoencoder and an LSTM
# VAE) carry the same objective and the same training loop over to time series, and
# tutorial 06 trains a sequence GAN with it.
