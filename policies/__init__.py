"""Rasa dialogue policies of the project (config.yml)."""
