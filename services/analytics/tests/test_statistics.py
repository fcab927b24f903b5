"""Wilson intervals, quantiles, the Kaplan-Meier median and England and Wales working days."""

from __future__ import annotations

from datetime import date

import pytest

from convenor_analytics.calendar import bank_holidays, is_working_day, working_days
from convenor_analytics.intervals import kaplan_meier_median, quantile, wilson


class TestWilsonIntervals:
    @pytest.mark.parametrize(
        ("successes", "n", "low", "high"),
        [
            (5, 10, 0.2366, 0.7634),  # the textbook symmetric case
            (0, 10, 0.0, 0.2775),  # never zero width, unlike the Wald interval
            (10, 10, 0.7225, 1.0),
            (81, 263, 0.2553, 0.3662),  # Newcombe (1998), example of 81/263
            (18, 21, 0.6536, 0.9502),
        ],
    )
    def test_it_matches_published_values(self, successes: int, n: int, low: float, high: float):
        interval = wilson(successes, n)
        assert interval is not None
        assert interval.low == pytest.approx(low, abs=5e-5)
        assert interval.high == pytest.approx(high, abs=5e-5)

    def test_no_trials_have_no_interval(self):
        assert wilson(0, 0) is None


class TestQuantiles:
    def test_they_interpolate_like_percentile_cont(self):
        assert quantile([8, 10], 0.5) == 9.0
        assert quantile([8, 10], 0.9) == pytest.approx(9.8)
        assert quantile([], 0.5) is None

    def test_the_kaplan_meier_median_counts_open_requests_as_censored(self):
        # Three answered in 2, 4, 6 days; two still open after 10: survival 0.8, 0.6, 0.4.
        assert kaplan_meier_median([2, 4, 6, 10, 10], [True, True, True, False, False]) == 6
        assert kaplan_meier_median([3, 10, 10, 10], [True, False, False, False]) is None


class TestWorkingDays:
    def test_the_list_runs_from_2015_to_2030_with_eight_or_more_a_year(self):
        years = {d.year for d in bank_holidays()}
        assert years == set(range(2015, 2031))
        assert all(sum(1 for d in bank_holidays() if d.year == y) >= 8 for y in years)

    def test_easter_2025_takes_two_working_days_out(self):
        assert working_days(date(2025, 4, 14), date(2025, 4, 28)) == 8
        assert working_days(date(2025, 4, 17), date(2025, 4, 22)) == 1

    @pytest.mark.parametrize(
        "holiday",
        [
            date(2020, 5, 8),  # early May moved to VE day
            date(2022, 6, 2),  # spring bank holiday moved for the Platinum Jubilee
            date(2022, 6, 3),  # Platinum Jubilee
            date(2022, 9, 19),  # state funeral of Queen Elizabeth II
            date(2023, 5, 8),  # coronation of King Charles III
            date(2021, 12, 27),  # Christmas on a Saturday: substitute days
            date(2021, 12, 28),
            date(2027, 12, 27),
            date(2030, 8, 26),
        ],
    )
    def test_special_and_substitute_days_are_holidays(self, holiday: date):
        assert not is_working_day(holiday)

    def test_the_day_submitted_does_not_count_and_the_day_answered_does(self):
        assert working_days(date(2025, 3, 3), date(2025, 3, 4)) == 1
        assert working_days(date(2025, 3, 3), date(2025, 3, 3)) == 0
        assert working_days(date(2025, 3, 3), date(2025, 3, 17)) == 10
