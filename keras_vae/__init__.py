"""keras_vae: corrected, tested reference autoencoders, VAEs and sequence GANs for Keras 3."""

__version__ = "0.1.0"
