"""Polity properties layer."""
