import pytest


@pytest.fixture
def frozen_at_now(time_machine):
    """The clock stands at the recall builders' NOW: Monday 2 June 2025, 10:00 in Almaty (UTC+5),
    inside the 8th convocation's recall window."""
    time_machine.move_to("2025-06-02 10:00:00+05:00", tick=False)
