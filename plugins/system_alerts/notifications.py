"""The validation-notification job (DHIS2's VALIDATION_RESULTS_NOTIFICATION): every result
not notified yet becomes VALIDATION_RESULT conversations for the recipients of its rule's
notification templates, then is flagged as sent.

SINGLE_NOTIFICATION: one conversation per (result, template), priority = the rule's
importance. COLLECTIVE_SUMMARY: one conversation per distinct recipient set, listing every
notification, priority = the highest importance in it. Every conversation carries an
``ext_message_id``, so a job that runs again (or is retried after a crash between sending
and flagging) never sends the same single notification twice; a summary is keyed by the
results in it, so a retry repeats it only if new results arrived in between.

"Notify users in hierarchy only" keeps the recipients assigned at the result's org unit or
above, as answered by ``mailroom_users_in_hierarchy``; "notify parent organisation unit
only" keeps those assigned to the org unit just above the result's, as answered by
``mailroom_users_at_parent_org_unit`` (a result at a root org unit reaches nobody). When
no plugin answers (org units are not enabled), that template reaches nobody and the system
recipients get a SYSTEM message saying why; the results still count as notified, so they
do not pile up.

DHIS2's ``resolveRecipients``, for the parent option, returns every user of the parent of
each *recipient's* org unit — people outside the recipient groups, whatever the result's
org unit, and a null-pointer failure for a recipient at a root. Mailroom does what the
option's name promises, about the result's org unit.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from kernel.models import Priority, Status, User, UserGroupMember
from kernel.models.clock import utcnow
from kernel.plugins import Hooks, current_hooks
from kernel.system_messages import send_system_message
from plugins.system_alerts.failures import system_recipients
from plugins.system_alerts.models import (
    Importance,
    NotificationTemplate,
    RuleTemplate,
    SendStrategy,
    TemplateGroup,
    ValidationResult,
)
from plugins.system_alerts.rendering import render_notification

VALIDATION_RESULT = "VALIDATION_RESULT"
RANK = {Importance.HIGH.value: 3, Importance.MEDIUM.value: 2, Importance.LOW.value: 1}
IN_HIERARCHY = "Notify users in hierarchy only"
AT_PARENT = "Notify parent organisation unit only"


def priority_of(importance: str) -> Priority:
    """DHIS2's ``getPriority``: HIGH→HIGH, MEDIUM→MEDIUM, LOW→LOW, anything else NONE."""
    return Priority(importance) if importance in RANK else Priority.NONE


@dataclass
class _Summary:
    # (result, template uid, subject, text) of each notification in the summary
    entries: list[tuple[ValidationResult, str, str, str]] = field(default_factory=list)


def _templates_by_rule(rule_ids: Iterable[int]) -> dict[int, list[NotificationTemplate]]:
    links = (
        RuleTemplate.select(RuleTemplate, NotificationTemplate)
        .join(NotificationTemplate)
        .where(RuleTemplate.rule.in_(list(set(rule_ids))))
        .order_by(NotificationTemplate.name)
    )
    by_rule: dict[int, list[NotificationTemplate]] = defaultdict(list)
    for link in links:
        by_rule[link.rule_id].append(link.template)
    return by_rule


def _recipients_by_template(templates: Iterable[NotificationTemplate]) -> dict[int, set[int]]:
    """Enabled members of each template's recipient groups (two queries in all)."""
    ids = [t.id for t in templates]
    groups_of: dict[int, set[int]] = defaultdict(set)
    for link in TemplateGroup.select().where(TemplateGroup.template.in_(ids)):
        groups_of[link.template_id].add(link.group_id)
    all_groups = {g for groups in groups_of.values() for g in groups}
    members: dict[int, set[int]] = defaultdict(set)
    rows = (
        UserGroupMember.select(UserGroupMember.group, UserGroupMember.user)
        .join(User)
        .where(UserGroupMember.group.in_(list(all_groups)) & (User.disabled == False))  # noqa: E712
    )
    for row in rows:
        members[row.group_id].add(row.user_id)
    return {
        t: set().union(*(members[g] for g in groups)) if groups else set()
        for t, groups in groups_of.items()
    }


def _digest(parts: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:24]


def send_validation_notifications() -> int:
    """Notify every unsent result once and flag it sent.

    :returns: how many conversations were started.
    """
    results = ValidationResult.unsent()
    if not results:
        return 0
    now = utcnow()
    hooks = current_hooks()
    templates_of = _templates_by_rule(r.rule_id for r in results)
    recipients_of = _recipients_by_template(t for ts in templates_of.values() for t in ts)
    summaries: dict[frozenset[int], _Summary] = defaultdict(_Summary)
    unrouted: dict[str, str] = {}
    routed: dict[tuple[str, int], set[int] | None] = {}
    started = 0
    for result in results:
        for template in templates_of.get(result.rule_id, []):
            recipients = recipients_of.get(template.id, set())
            option = _org_unit_option(template)
            if option is not None and recipients:
                # Results cluster on a few org units: ask once per unit and template.
                key = (result.org_unit_uid, template.id)
                if key not in routed:
                    routed[key] = _route(hooks, option, result.org_unit_uid, recipients)
                if routed[key] is None:
                    unrouted[template.name] = option
                recipients = routed[key] or set()
            if not recipients:
                continue
            subject, text = render_notification(template, result, now)
            if template.send_strategy == SendStrategy.COLLECTIVE_SUMMARY.value:
                summaries[frozenset(recipients)].entries.append(
                    (result, template.uid, subject, text)
                )
                continue
            started += _send(
                subject,
                text,
                recipients,
                priority_of(result.rule.importance),
                f"validation:{result.uid}:{template.uid}",
            )
    for recipients, summary in summaries.items():
        started += _send_summary(recipients, summary, now)
    if unrouted:
        _report_unrouted(unrouted, now)
    ids = [r.id for r in results]
    for start in range(0, len(ids), 500):
        ValidationResult.update(notification_sent=True).where(
            ValidationResult.id.in_(ids[start : start + 500])
        ).execute()
    return started


def _org_unit_option(template: NotificationTemplate) -> str | None:
    """The template's limit to an org unit's people, if any.

    The form and the import refuse both at once; a row that has both anyway (written by
    hand) is limited to the hierarchy, as DHIS2 does.
    """
    if template.notify_users_in_hierarchy_only:
        return IN_HIERARCHY
    if template.notify_parent_org_unit_only:
        return AT_PARENT
    return None


def _route(hooks: Hooks, option: str, org_unit_uid: str, recipients: set[int]) -> set[int] | None:
    """The recipients left by the option; None when no plugin knows org units."""
    if option == IN_HIERARCHY:
        return hooks.users_in_hierarchy(org_unit_uid, recipients)
    return hooks.users_at_parent_org_unit(org_unit_uid, recipients)


def _send(
    subject: str, text: str, recipients: set[int], priority: Priority, ext_message_id: str
) -> int:
    conversation = send_system_message(
        subject=subject,
        text=text,
        recipient_ids=recipients,
        priority=priority,
        status=Status.OPEN,
        ext_message_id=ext_message_id,
        message_type=VALIDATION_RESULT,
    )
    return 0 if conversation is None else 1


def _send_summary(recipients: frozenset[int], summary: _Summary, now: datetime) -> int:
    counts = {level: 0 for level in RANK}
    for result, *_ in summary.entries:
        if result.rule.importance in counts:
            counts[result.rule.importance] += 1
    highest = max(summary.entries, key=lambda e: RANK.get(e[0].rule.importance, 0))
    text = f"Violations: High {counts['HIGH']}, medium {counts['MEDIUM']}, low {counts['LOW']}"
    text += "".join(f"\n\n{subject}\n{body}" for _, _, subject, body in summary.entries)
    key = _digest(f"{r.uid}:{t}" for r, t, *_ in summary.entries) + _digest(map(str, recipients))
    return _send(
        f"Validation violations as of {now:%-d %B %Y}",
        text,
        set(recipients),
        priority_of(highest[0].rule.importance),
        f"validation-summary:{key[:40]}",
    )


def _report_unrouted(options: dict[str, str], now: datetime) -> None:
    """Tell the system recipients which templates reached nobody for want of org units.

    :param options: the option each such template is set to, by template name.
    """
    recipients = system_recipients()
    if not recipients:
        return
    lines = "\n".join(f"- “{name}”: {options[name]}" for name in sorted(options))
    send_system_message(
        subject="Validation notifications not sent: org units are not enabled",
        text=(
            "These notification templates send only to users at certain organisation "
            "units. That needs the organisation-unit hierarchy, and no enabled plugin "
            f"provides it, so their notifications were sent to nobody:\n{lines}\n\n"
            "Enable the orgunit_routing plugin, or untick that option on the templates."
        ),
        recipient_ids=recipients,
        ext_message_id=f"validation-unrouted:{now:%Y%m%d}:{_digest(options)}",
    )
