"""Training loops. They take modules, tensors and plain settings; they do no file I/O."""
