"""Block Kit messages: one alert, or a digest of many for one recipient.

A message says who, what, the figures and their trend, the threshold, what to do next, and links
to where the data lives (the Dagster asset of the alerts, or the dashboard when one is set).

Everything in an alert's content (names, titles, messages, periods, ids, notes) comes from the
exports or the configuration and is escaped for Slack's mrkdwn (``escape``) before it goes into a
mrkdwn text, so no export can mention a channel (``<!channel>``) or carry a link (``<url|text>``);
lpss's own formatting (bold, marks, the link to lpss) is added around the escaped text.
"""

from __future__ import annotations

from lpss_pipeline.alerting.deliveries import Delivery

SEVERITY_MARK = {
    "critical": ":red_circle:",
    "warning": ":large_orange_circle:",
    "info": ":large_blue_circle:",
}
DIGEST_LINES = 40  # Slack allows 50 blocks; the rest of a digest is summarised in one line


def escape(value: object) -> str:
    """``value`` as literal text in Slack mrkdwn: ``&``, ``<`` and ``>`` as Slack's entities, so it
    cannot open a mention (``<!channel>``, ``<@U1>``) or a link (``<https://x|y>``)."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _figures(content: dict) -> str:
    parts = []
    if content.get("metric_value") is not None:
        parts.append(f"value *{float(content['metric_value']):.1f}*")
    if content.get("threshold") is not None:
        parts.append(f"threshold {float(content['threshold']):.1f}")
    if content.get("trend") is not None:
        trend = float(content["trend"])
        arrow = (
            ":arrow_upper_right:" if trend > 0 else ":arrow_lower_right:" if trend < 0 else ":arrow_right:"
        )
        parts.append(f"trend {trend:+.1f}/month {arrow}")
    return " · ".join(parts)


def _who(content: dict) -> str:
    """Who the alert is about, escaped for mrkdwn."""
    name, employee = content.get("subject_name"), content.get("subject_employee_id")
    return escape(f"{name} ({employee})" if name else employee or "the organisation")


def alert_message(delivery: Delivery, link: str) -> tuple[str, list[dict]]:
    """(fallback text, blocks) for one alert."""
    c = delivery.content
    mark = SEVERITY_MARK.get(c.get("severity", ""), "")
    title, message = escape(c["title"]), escape(c["message"])
    text = f"{title}: {_who(c)}. {message}"
    fields = [f"*Who:* {_who(c)}", f"*Period:* {escape(c.get('period'))}"]
    figures = _figures(c)
    if figures:
        fields.append(f"*Figures:* {figures}")
    blocks: list[dict] = [
        # plain_text is never parsed for mentions or links: the title goes in as it is
        {"type": "header", "text": {"type": "plain_text", "text": f"{c['title']}"[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"{mark} {message}"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*Next step:* {escape(c['next_step'])}"}},
    ]
    if delivery.note:
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f":warning: {escape(delivery.note)}"}],
            }
        )
    blocks.append(_context(delivery, link))
    return text, blocks


def digest_message(deliveries: list[Delivery], link: str) -> tuple[str, list[dict]]:
    """(fallback text, blocks) for many alerts to one recipient: one line each, most severe first."""
    order = {"critical": 0, "warning": 1, "info": 2}
    ranked = sorted(deliveries, key=lambda d: (order.get(d.content.get("severity"), 3), d.alert_key))
    counts: dict[str, int] = {}
    for d in ranked:
        counts[d.content.get("severity", "info")] = counts.get(d.content.get("severity", "info"), 0) + 1
    summary = escape(", ".join(f"{n} {severity}" for severity, n in counts.items()))
    text = f"{len(deliveries)} lpss alerts: {summary}"
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"{len(deliveries)} lpss alerts"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": summary}]},
    ]
    for d in ranked[:DIGEST_LINES]:
        c = d.content
        mark = SEVERITY_MARK.get(c.get("severity", ""), "")
        line = f"{mark} *{escape(c['title'])}* · {_who(c)}: {escape(c['message'])}"
        if d.note:
            line += f" _({escape(d.note)})_"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": line[:3000]}})
    if len(ranked) > DIGEST_LINES:
        rest = len(ranked) - DIGEST_LINES
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"... and {rest} more"}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"<{link}|All alerts>"}]})
    return text, blocks


def _context(delivery: Delivery, link: str) -> dict:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": f"`{escape(delivery.alert_key)}` · <{link}|Open in lpss>"}],
    }
