from pathlib import Path

import pytest

from devtools import project_files
from review.nlu_export import Example, render


def test_exported_examples_count_as_training_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data checks (no personal data, nothing held out) see what staff exported."""
    (tmp_path / "data").mkdir()
    for paths in project_files.TRAINING_FILES.values():
        for path in paths:
            (tmp_path / path).write_text(
                "nlu:\n- intent: greet\n  examples: |\n"
                "    - hello\n    - [klonopin](substance) hi\n"
            )
    monkeypatch.setattr(project_files, "PROJECT_ROOT", tmp_path)
    assert project_files.training_examples()["greet"].count("klonopin hi") == 3
    assert "thank" not in project_files.training_examples()

    exported = [Example("thank", "thx a bunch", "2026-12-06")]
    (tmp_path / project_files.REVIEWED_NLU_FILE).write_text(render(exported))

    assert project_files.training_examples()["thank"] == ["thx a bunch"]
    assert "thank" not in project_files.training_examples("en")  # its language is not known
