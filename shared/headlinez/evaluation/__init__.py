"""Offline evaluation harnesses: measure quality against gold data (never imported by Lambdas)."""
