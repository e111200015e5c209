"""The center's own details (clinic.yml), for the actions, the demo page and the review app."""
