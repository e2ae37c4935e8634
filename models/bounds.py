"""Bounds of the numbers users type into settings and rules.

The ORM rounds floats to their digits and PostgreSQL stores integers on 4
bytes: an absurd value (1e300 days, 10**12 days) would surface as an
OverflowError or a database error instead of a message. Models call
``check_numbers`` from ``create`` and ``write`` for their numeric settings.
"""

from odoo.exceptions import ValidationError

MAX_FLOAT = 1e12
MAX_INTEGER = 2**31 - 1


def check_numbers(records, vals, names):
    """Refuse values of ``vals`` for the fields ``names`` of ``records``'s model
    that are not numbers or are beyond what the database stores."""
    env = records.env
    for name in names & vals.keys():
        value = vals[name]
        if value is None or value is False:
            continue
        field = records._fields[name]
        label = field._description_string(env)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError(
                env._(
                    "%(field)s must be a number, not %(value)s.",
                    field=label,
                    value=repr(value),
                )
            )
        limit = MAX_INTEGER if field.type == "integer" else MAX_FLOAT
        # "not <=" refuses NaN too.
        if not abs(value) <= limit:
            raise ValidationError(
                env._(
                    "%(field)s: %(value)s is out of range; use a number between "
                    "-%(limit)s and %(limit)s.",
                    field=label,
                    value=value,
                    limit=format(limit, ",.0f"),
                )
            )
