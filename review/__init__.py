"""The staff review app: signed-in staff read the stored (redacted) conversations.

Modules, one concern each: `schema` (tables), `accounts` (staff logins),
`audit` (who saw what), `indexer` (summaries of Rasa's events), `conversations`
(filters, list, transcript, tags, notes), `dashboard` (chart data), `similarity`
(unanswered questions grouped), `charts` (inline SVG), `export` (CSV/JSON),
`app` (the Flask web app), `cli` (accounts and export from the shell), `serve`.
"""
