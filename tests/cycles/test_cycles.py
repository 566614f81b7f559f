"""The meeting cycle, generated (issue 24): every step's invariants, in the bounded profile or the long one."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from .machine import MeetingCycle

#: The bounded run in the normal suite: 10 cycles of up to 10 steps, the same every run (derandomized, no database).
BOUNDED = {"max_examples": 10, "stateful_step_count": 10}


def cycle_settings() -> settings:
    """The long profile (--hypothesis-profile=long) as registered in conftest; else the bounded run."""
    slow = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
    if settings.get_current_profile_name().startswith("long"):
        return settings(settings.default, suppress_health_check=slow)
    return settings(settings.default, **BOUNDED, derandomize=True, database=None, suppress_health_check=slow)


TestMeetingCycle = MeetingCycle.TestCase
TestMeetingCycle.settings = cycle_settings()
