"""Casework: cases, their facts, stages and tasks, partner decisions and the working-day clock."""

from cspr.casework import bindings
from cspr.formengine.definitions import EXTRA_CHECKS

# A form's "case_fact" must name a real case fact of a fitting type; the builder and the
# shipped forms are checked with the rest of the definition.
if bindings.problems not in EXTRA_CHECKS:
    EXTRA_CHECKS.append(bindings.problems)
