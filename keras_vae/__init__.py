"""keras_vae: corrected, tested reference autoencoders, VAEs and sequence GANs for Keras 3.

Every model is a subclassed `keras.Model` trained by one shared `train_step`/`test_step`
(`keras_vae.training.GenerativeModel`), so `model.fit`, `evaluate`, `predict`, callbacks and
`.keras` save/load work as for any Keras model.
"""

import os as _os

# TensorFlow's C++ start-up chatter is noise for tutorial readers; respect a user's choice.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from keras_vae import callbacks, losses, saving  # noqa: E402
from keras_vae.layers import ObservationModel, Sampling, StepDropout  # noqa: E402
from keras_vae.models import (  # noqa: E402
    LSTMVAE,
    VAE,
    Autoencoder,
    DenseAutoencoder,
    DenseVAE,
    LSTMAutoencoder,
    LSTMForecaster,
    SequenceGAN,
)
from keras_vae.training import GenerativeModel, Phase  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "VAE",
    "Autoencoder",
    "DenseAutoencoder",
    "DenseVAE",
    "GenerativeModel",
    "LSTMAutoencoder",
    "LSTMForecaster",
    "LSTMVAE",
    "ObservationModel",
    "Phase",
    "Sampling",
    "SequenceGAN",
    "StepDropout",
    "callbacks",
    "losses",
    "saving",
]
