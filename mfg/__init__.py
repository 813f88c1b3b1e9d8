"""mfg package."""
