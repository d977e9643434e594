"""Helpers of the robustness suite: bad-input corpora and seed mutations."""
