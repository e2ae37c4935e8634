"""Helpers shared by the capabilities: pure functions taking ``env``.

They belong to no model: the wizards, the orders and the rules use them alike,
as ``addons/mail/tools`` serves the mail models.
"""

from markupsafe import Markup

from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_list

# States of an order that is still a quotation.
QUOTATION_STATES = ("draft", "sent")
SALE_MANAGER_GROUP = "sales_team.group_sale_manager"
# Reasons and notes go to the chatter, activities and mails: a page is plenty.
MAX_NOTE_LENGTH = 10_000
# Bounds of the numbers users type into settings and rules. The ORM rounds
# floats to their digits and PostgreSQL stores integers on 4 bytes: an absurd
# value (1e300 days, 10**12 days) would surface as an OverflowError or a
# database error instead of a message.
MAX_FLOAT = 1e12
MAX_INTEGER = 2**31 - 1


def is_sale_manager(env):
    """Whether the current user is a Sales Administrator."""
    return env.user.has_group(SALE_MANAGER_GROUP)


def check_note(env, text, label, error=UserError):
    """Refuse notes and reasons that are not text, or too long to read: a
    ``UserError`` for what a user types, a ``ValidationError`` from a model's
    constraint."""
    if text and not isinstance(text, str):
        raise error(env._("The %(label)s must be text.", label=label))
    if text and len(text) > MAX_NOTE_LENGTH:
        raise error(
            env._(
                "The %(label)s is too long (%(length)s characters): keep it under "
                "%(limit)s.",
                label=label,
                length=len(text),
                limit=MAX_NOTE_LENGTH,
            )
        )


def check_numbers(records, vals, names):
    """Refuse values of ``vals`` for the fields ``names`` of ``records``'s model
    that are not numbers or are beyond what the database stores. Models call it
    from ``create`` and ``write`` for their numeric settings."""
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


def close_activities(activities, feedback):
    """Mark ``activities`` done at once. Each record gets the note Odoo's
    ``action_feedback`` posts (type, assignee, summary, note, feedback), all
    created in one batch instead of one post per activity; then the
    activities are removed, or archived when their type keeps done ones."""
    if not activities:
        return
    env = activities.env
    author = env.user.partner_id
    subtype_id = env["ir.model.data"]._xmlid_to_res_id("mail.mt_activities")
    qweb = env["ir.qweb"]
    # As _message_log_batch does: one reply-to for notes nobody answers.
    reply_to = env["mail.thread"]._notify_get_reply_to(default=author.email_formatted)[
        False
    ]
    # The caller closes activities it may not write (other reviewers'); the
    # notes are the workflow's.
    env["mail.message"].sudo().create(
        [
            {
                "model": activity.res_model,
                "res_id": activity.res_id,
                "body": qweb._render(
                    "mail.message_activity_done",
                    {
                        "activity": activity,
                        "feedback": feedback,
                        "display_assignee": activity.user_id != env.user,
                    },
                    minimal_qcontext=True,
                ),
                "message_type": "notification",
                "subtype_id": subtype_id,
                "mail_activity_type_id": activity.activity_type_id.id,
                "author_id": author.id,
                "email_from": author.email_formatted,
                "reply_to": reply_to,
                # Not computed per record: these notes are never mailed.
                "record_alias_domain_id": False,
                "record_company_id": False,
                "record_name": False,
            }
            for activity in activities
        ]
    )
    kept = activities.filtered("activity_type_id.keep_done")
    kept.action_archive()
    (activities - kept).unlink()


def format_blockers(blockers):
    """The ``{order: [reason, ...]}`` contract of every capability, as lines
    for an error or a wizard."""
    return "\n".join(
        f"- {order.name}: {'; '.join(reasons)}" for order, reasons in blockers.items()
    )


def format_refusals(refusals):
    """The ``{order: [reason, ...]}`` contract on one line, for a notice."""
    return "; ".join(
        f"{order.name} ({', '.join(reasons)})" for order, reasons in refusals.items()
    )


def html_links(env, records):
    """The records as a list of links, for chatter notes and notices."""
    return Markup(format_list(env, [record._get_html_link() for record in records]))


def text_to_html(text):
    """What a user typed, as HTML that shows it as typed: escaped, its lines
    kept, nothing turned into a link or an image."""
    if not text:
        return Markup()
    return Markup("<p>%s</p>") % Markup("<br/>").join(text.splitlines())


def notification_action(message, kind="success", sticky=False):
    """Client action: a notification, then close the dialog."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "type": kind,
            "message": message,
            "sticky": sticky,
            "next": {"type": "ir.actions.act_window_close"},
        },
    }


def user_lang_env(env, user):
    """``env`` speaking the language of ``user``: for what ``user`` reads
    (an activity assigned to them, a notice), not the acting user's. No
    user: ``env`` itself."""
    if not user:
        return env
    return env(context=dict(env.context, lang=user.lang or "en_US"))


def notify_user(env, user, subject, body):
    """One inbox notice to ``user``: digests of several records, not one mail
    per record. From the acting user, or from OdooBot when the acting user
    has no e-mail address (Odoo refuses a notice without a sender address)."""
    author = env.user.partner_id
    if not author.email:
        author = env.ref("base.partner_root")
    env["mail.thread"].message_notify(
        author_id=author.id,
        email_from=author.email_formatted,
        partner_ids=user.partner_id.ids,
        subject=subject,
        body=Markup("<p>%s</p>") % body,
    )


def add_filled_column(cr, table, column, column_type, value, comment=None):
    """Add ``column`` to ``table`` with ``value`` in every existing row.

    PostgreSQL records a constant default once instead of rewriting the rows,
    where an ``UPDATE`` writes every row again (seconds on 100,000 orders). The
    default is dropped at once: it stays the value of the existing rows only.
    """
    cr.execute(
        SQL(
            "ALTER TABLE %(table)s ADD COLUMN %(column)s %(type)s DEFAULT %(value)s;"
            " ALTER TABLE %(table)s ALTER COLUMN %(column)s DROP DEFAULT",
            table=SQL.identifier(table),
            column=SQL.identifier(column),
            type=SQL(column_type),
            value=value,
        )
    )
    if comment:
        cr.execute(
            SQL(
                "COMMENT ON COLUMN %s IS %s",
                SQL.identifier(table, column),
                comment,
            )
        )
