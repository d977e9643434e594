"""The public contracts: the edition catalogue, the normalised report and its schema, the findings frame."""
