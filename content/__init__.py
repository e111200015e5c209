"""The answer content as a clinician reviews it: the article, the safety lines, the review sheet."""
