import sys

from keras_vae.errata import main

sys.exit(main())
