"""Teaching the bot from the dashboard (issue #19): the training-data export, for admins.

POST /teach/export-training-data runs what `python -m review.cli export-training-data`
runs (review.training_export: the labels not exported yet, merged into data/nlu_reviewed.yml,
tests/safety_reviewed*.yml and content/new_questions.yml of the checkout the app runs from,
and the conversations marked as tests into tests/test_stories_reviewed.yml; `dry_run=yes`
only counts), is written to the audit log as the CLI's export is ("exported training data",
counts only), and goes back to the dashboard with the report's summary. Administrators only
(review.app ADMIN_ENDPOINTS: anyone else gets 403, and the refusal is audited). Marking a
conversation as a test is open to all staff (review.marking).

The export needs the project's data/ and tests/ files to leave out what is already trained or
held out. Where the app does not run in a checkout (a container), it says so and names the
command a developer runs in a checkout instead; a training or test file it cannot read, or an
output file it cannot write, is reported the same way, never as an error page.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, flash, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from content.yaml_schema import InvalidYamlFile
from review import training_export
from review.request_context import actor as _actor
from review.request_context import app_extension
from review.request_context import engine as _engine
from review.request_context import now as _now

logger = logging.getLogger(__name__)

blueprint = Blueprint("teaching", __name__)

CLI_COMMAND = "python -m review.cli export-training-data"
NOT_A_CHECKOUT = (
    "The training data was not exported: the staff app is not running in a checkout of the "
    "repository, where the training data and test files are. Ask a developer to run "
    f"`{CLI_COMMAND}` in a checkout."
)


def init_app(app: Flask) -> None:
    """Registers the export route."""
    app.register_blueprint(blueprint)


def _back() -> BaseResponse:
    return redirect(url_for("dashboard_page", _anchor="teach"))


@blueprint.route("/teach/export-training-data", methods=["POST"])
def export_training_data() -> BaseResponse:
    """Exports the labels as training data (to the CLI's default file), or counts them."""
    dry_run = request.form.get("dry_run") == "yes"
    try:
        report = training_export.export_training_data(
            _engine(),
            training_export.DEFAULT_OUTPUT,
            dry_run=dry_run,
            now=_now(),
            timezone=app_extension("review_settings").timezone,
        )
    except training_export.NotACheckout:
        flash(NOT_A_CHECKOUT)
        return _back()
    except InvalidYamlFile as error:  # names the file and the problem, never its content
        flash(f"The training data was not exported: {error}")
        return _back()
    except OSError as error:
        logger.error("Training data export failed: %s", type(error).__name__)
        flash(
            "The training data was not exported: a file could not be read or written here. "
            f"Ask a developer to run `{CLI_COMMAND}` in a checkout."
        )
        return _back()
    training_export.record_export(_engine(), _actor(), report)
    for line in report.summary().splitlines():
        flash(line)
    return _back()
