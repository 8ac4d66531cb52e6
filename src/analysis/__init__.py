"""Evidence notebooks for the themes of the Almaty Process 2015 closing remarks."""

__version__ = "0.1.0"
