"""nn.Modules and their configs. No file I/O, no argument parsing."""
