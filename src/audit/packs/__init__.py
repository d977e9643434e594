"""The plugin layer: hook specifications, the rule API, pack loading, YAML packs, configuration, the engine."""
