"""Polity proofs layer."""
