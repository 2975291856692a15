"""Property tests run twice: a few hundred examples on every run, many more behind `slow`."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings

FEW = 200
MANY = 5000


def few_and_many(*strategies):
    """Turn a property into two tests: `test_x` with FEW examples, always run, and
    `test_x_at_length` with MANY, marked slow. No deadline: the machine may be busy, and
    speed is measured by the benchmarks, never asserted here."""

    def register(prop):
        def run(examples: int):
            chosen = settings(
                max_examples=examples,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            )
            return chosen(given(*strategies)(prop))

        module = sys.modules[prop.__module__]
        setattr(module, f"{prop.__name__}_at_length", pytest.mark.long(pytest.mark.slow(run(MANY))))
        return run(FEW)

    return register
