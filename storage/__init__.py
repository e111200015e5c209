"""Conversation storage: redaction before anything is written."""
