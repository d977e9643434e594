"""What a supervisor decides about findings: waivers and baselines."""
