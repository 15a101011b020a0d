"""Routes of the web view, one module per noun."""
