"""pressroom: one interview in Markdown, four publication-ready files."""

__version__ = "0.1.0"
