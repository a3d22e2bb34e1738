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
# sender: the case; today=the UK date. Each receiver returns more stages for the case's task
# list (casework.tasks.Section objects, an action plan's say), or None. Read only.
case_tasks = _signals.signal("case-tasks")
# sender: today (the UK date), from the reminder run. Each receiver returns the reminders it
# wants queued (mail.reminders.Wanted), each keyed so that it is queued once. Read only.
reminders_due = _signals.signal("reminders-due")
