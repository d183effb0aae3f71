"""Public models. Every one trains through the shared loop in `keras_vae.training`.

`Autoencoder` and `VAE` own the two objectives and take built networks; `DenseAutoencoder`,
`DenseVAE`, `LSTMAutoencoder` and `LSTMVAE` build those networks from a few sizes.
"""

from keras_vae.models.autoencoder import Autoencoder
from keras_vae.models.dense_autoencoder import DenseAutoencoder
from keras_vae.models.dense_vae import DenseVAE
from keras_vae.models.lstm_autoencoder import LSTMAutoencoder
from keras_vae.models.lstm_forecaster import LSTMForecaster
from keras_vae.models.lstm_vae import LSTMVAE
from keras_vae.models.sequence_gan import SequenceGAN
from keras_vae.models.vae import VAE

__all__ = ["LSTMVAE", "VAE", "Autoencoder", "DenseAutoencoder", "DenseVAE", "LSTMAutoencoder", "LSTMForecaster", "SequenceGAN"]
