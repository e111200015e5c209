"""Custom actions of the clonazepam assistant, served by the rasa-sdk action server."""
