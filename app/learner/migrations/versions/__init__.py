"""One module per schema version, oldest first (`0001_...`); never edit one that has shipped."""
