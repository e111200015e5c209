"""Custom Rasa NLU graph components. They run inside the Rasa server."""
