"""The scoring policy and the scorecard."""
