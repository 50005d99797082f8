"""The recall procedure's rules as pure functions over a RecallRules row: who may be recalled and
when, how many signatures are needed, how big a verification sample is, and what a vote decides.
Integer and Decimal arithmetic only, so the edges (exactly 1/3, exactly 50%) are exact."""

import math
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from deputies.selectors import mandate_end
from portal.workdays import add_months
from recalls.models import RecallRules

Z_95 = Decimal("1.96")  # the normal quantile for 95% confidence: mathematics, not law


def rules_in_force(on: date):
    return RecallRules.objects.in_force(on)


def term_bounds(deputy, rules) -> tuple[date, date] | None:
    """(start, end) of the deputy's term: elected_on (or the convocation's), and the convocation's
    end (a by-elected deputy serves out the convocation, not a term of their own) or, with no
    convocation recorded, start + term years. None when no election date is recorded."""
    convocation = getattr(deputy, "convocation", None)
    start = deputy.elected_on or (convocation.elected_on if convocation else None)
    if start is None:
        return None
    return start, mandate_end(deputy) or add_months(start, 12 * rules.term_years)


def recall_barred_until_or_from(deputy, rules) -> tuple[date, date] | None:
    """The window in which a recall may start: after the first and before the last bar period."""
    bounds = term_bounds(deputy, rules)
    if bounds is None:
        return None
    start, end = bounds
    return add_months(start, rules.bar_first_months), add_months(end, -rules.bar_last_months)


def eligibility_error(deputy, *, on: date, rules) -> str | None:
    """Why a recall against this deputy cannot start on this day (translated), or None."""
    if deputy.mandate != "single_mandate" or deputy.district_id is None:
        return _(
            "Only a deputy elected in a single-mandate district can be recalled by voters. %(name)s was elected "
            "on a party list; the voters cannot recall a party-list deputy (Election Law, chapter 13-2)."
        ) % {"name": deputy.full_name}
    if deputy.status != "active":
        return _("%(name)s no longer holds the seat.") % {"name": deputy.full_name}
    window = recall_barred_until_or_from(deputy, rules)
    if window is None:
        return _(
            "The date of the deputy's election is not recorded, so the first and last year of the term "
            "cannot be checked. Ask the maslikhat to record it."
        )
    opens, closes = window
    if on < opens:
        return _("A recall cannot start in the deputy's first year in office: it becomes possible on %(date)s.") % {
            "date": date_format(opens, "DATE_FORMAT")
        }
    if on >= closes:
        return _("A recall cannot start in the deputy's last year in office (from %(date)s).") % {
            "date": date_format(closes, "DATE_FORMAT")
        }
    return None


def signature_threshold(registered_voters: int, rules) -> int:
    """Signatures needed: the rule's percentage of the district's voters, rounded up."""
    return math.ceil(Decimal(registered_voters) * rules.signature_threshold_percent / 100)


def sample_size(population: int, rules) -> int:
    """Cochran's sample size for a proportion (p = 0.5, 95% confidence, the rule's margin of error),
    corrected for a finite population and never larger than it."""
    if population <= 0:
        return 0
    margin = rules.sample_margin_percent / 100
    n0 = Z_95 * Z_95 * Decimal("0.25") / (margin * margin)
    n = n0 / (1 + (n0 - 1) / population)
    return min(population, math.ceil(n))


def estimated_valid(total: int, sample_valid: int, sample_checked: int) -> int:
    """Valid signatures in the whole collection estimated from the sample, rounded down so that a
    recall never goes ahead on rounding."""
    if sample_checked <= 0:
        return 0
    return total * sample_valid // sample_checked


def vote_is_valid(*, voters: int, turnout: int, rules) -> bool:
    """Valid if at least numerator/denominator of the district's voters took part."""
    return turnout * rules.turnout_min_denominator >= voters * rules.turnout_min_numerator


def vote_recalls(*, turnout: int, votes_for: int, rules) -> bool:
    """Recalled if MORE than the rule's percentage of those who took part agreed."""
    return Decimal(votes_for) * 100 > Decimal(turnout) * rules.recall_majority_percent


def vote_outcome(*, voters: int, turnout: int, votes_for: int, rules) -> str:
    if not vote_is_valid(voters=voters, turnout=turnout, rules=rules):
        return "vote_invalid"
    return "recalled" if vote_recalls(turnout=turnout, votes_for=votes_for, rules=rules) else "not_recalled"
