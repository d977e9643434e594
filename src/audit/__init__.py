"""audit: a compliance-audit rules engine for government information disclosure annual reports."""

__version__ = "0.1.0"
