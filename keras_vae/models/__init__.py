"""Public models. Every one trains through the shared loop in `keras_vae.training`."""

from keras_vae.models.dense_autoencoder import DenseAutoencoder
from keras_vae.models.dense_vae import DenseVAE

__all__ = ["DenseAutoencoder", "DenseVAE"]
