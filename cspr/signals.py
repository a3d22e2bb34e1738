"""Named signals through which one capability reacts to another's changes.

Each is sent inside the storage transaction of the change it announces, so a receiver's own
writes (a case opened for a referral, an email queued for a case change) land with that change
or not at all. Receivers use the store, never anything slow or outside it (no network).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the acting user (a dict); submission=the sent form, as stored.
form_sent = _signals.signal("form-sent")
# sender: the case after the change; events=the timeline entries the change added.
case_changed = _signals.signal("case-changed")
# sender: the case its page shows; user=the viewer. Not sent in a transaction: a receiver
# returns a panel for the page ({"template": ..., "data": ...}) or None, and writes nothing.
case_page_panels = _signals.signal("case-page-panels")
# sender: the signed-in user; today=the UK date. Each receiver returns the things waiting for
# that person's action (objects with text, endpoint, values, reference, due, status, note,
# sort_key()), for the home page. Read only.
waiting_for = _signals.signal("waiting-for")
# sender: the case task list's Context (casework.tasks); section=the stage key of one section.
# Each receiver returns more tasks for that section (casework.tasks.Task), or nothing. Read only.
case_tasks = _signals.signal("case-tasks")
# sender: the case; today=the UK date. Each receiver returns more stages for the case's task
# list, after the statutory ones (casework.tasks.Section objects, an action plan's say), or None.
case_stages = _signals.signal("case-stages")
# sender: a case; today=the UK date. Each receiver returns the partnership's own targets for the
# case (casework.deadlines.Deadline, statutory=False), for the deadlines page. Read only.
case_targets = _signals.signal("case-targets")
# sender: today (the UK date), from the reminder run. Each receiver returns the reminders it
# wants queued (mail.reminders.Wanted), each keyed so that it is queued once. Read only.
reminders_wanted = _signals.signal("reminders-wanted")
# sender: the UK date of a reminder run; days_before=working days ahead a first reminder goes,
# closed=the partnership's closure days. Each receiver queues its own keyed reminders (never
# twice for one key) and returns [(key, new message ids)] for what it queued now.
reminders_due = _signals.signal("reminders-due")
