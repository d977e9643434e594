"""The corpus: many normalised reports as corpus-wide frames, the one API every rule pack reads."""
