"""devtools/load_generator.py: a level measured in slices adds up to one result."""

from __future__ import annotations

from devtools.load_generator import LevelResult, Sample, combined


def test_slices_of_a_level_add_up_and_keep_the_highest_memory() -> None:
    first = LevelResult(10, 10.0, elapsed_s=10.0, conversations=3)
    first.samples = [Sample(0.1), Sample(0.3), Sample(0.2, "HTTP 500")]
    first.peak_rss_bytes = {"rasa": 100, "actions": 9}
    second = LevelResult(10, 10.0, elapsed_s=10.5, conversations=2)
    second.samples = [Sample(0.4)]
    second.peak_rss_bytes = {"rasa": 120, "actions": 8}

    level = combined([first, second])

    assert (level.concurrency, level.seconds, level.elapsed_s) == (10, 20.0, 20.5)
    assert (level.requests, level.errors, level.conversations) == (4, 1, 5)
    assert level.throughput == 3 / 20.5
    assert level.latency_ms(50) == 300.0
    assert level.peak_rss_bytes == {"rasa": 120, "actions": 9}
