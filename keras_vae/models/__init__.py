"""Public models. Every one trains through the shared loop in `keras_vae.training`."""

from keras_vae.models.dense_autoencoder import DenseAutoencoder
from keras_vae.models.dense_vae import DenseVAE
from keras_vae.models.lstm_autoencoder import LSTMAutoencoder
from keras_vae.models.lstm_forecaster import LSTMForecaster
from keras_vae.models.lstm_vae import LSTMVAE
from keras_vae.models.sequence_gan import SequenceGAN

__all__ = ["LSTMVAE", "DenseAutoencoder", "DenseVAE", "LSTMAutoencoder", "LSTMForecaster", "SequenceGAN"]
