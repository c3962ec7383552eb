"""Keep calling until reached: a call rule or step with `every` rings again every N minutes while
nobody acknowledges, at most `repeat` times (3 when repeat is 0), and stops at the acknowledgement."""
from __future__ import annotations

from app.incidents import ownership
from app.incidents.sweep import sweep

from ..fakes.ports import RecordingChannel, channels, runbook
from .seen import asked, event, incident, open_one, pages, run, take

JANE_PHONE, JANE_SMS = "+15555550123", "+15555550111"


def calling(rule_every: str = "2", steps: str = "", repeat: int = 0) -> str:
    return f"""
customer: acme
escalation_rules:
  - trigger: site-wide outage
    method: call
    page: "{{oncall}}"
    {f"every: {rule_every}" if rule_every else ""}
escalation:
  steps: [{steps}]
  repeat: {repeat}
oncall:
  handoff: "2026-01-05T09:00:00+00:00"
  people:
    - {{name: Jane, sms: "{JANE_SMS}", phone: "{JANE_PHONE}"}}
"""


def opened(make, text: str):
    call, email = RecordingChannel("call"), RecordingChannel("email")
    svc = make(runbook(text), channels_=channels(call, email))
    return svc, call, open_one(svc)


def calls(svc, incident_id) -> list[tuple[str, str]]:
    return [(kind, target) for kind, method, target, _ in pages(svc, incident_id) if method == "call"]


def test_the_call_rings_again_every_n_minutes_and_stops_at_the_acknowledgement(make):
    svc, phone, incident_id = opened(make, calling())
    assert calls(svc, incident_id) == [("page", JANE_PHONE)]  # the person's phone, not their sms
    assert asked(svc, "recall") == [("recall", (incident_id,), 120)]
    run(svc, "file_ticket", "deliver_page")

    svc.clock.advance(120)
    run(svc, "recall")
    assert calls(svc, incident_id)[1:] == [("recall:0", JANE_PHONE)]
    assert event(svc, incident_id, "call_repeated") == {"step": 1, "time": 1, "of": 3, "calls": 1}
    run(svc, "deliver_page")
    assert [t for t, _ in phone.sent] == [JANE_PHONE, JANE_PHONE]

    svc.clock.advance(60)
    ownership.acknowledge(svc, incident_id, f"phone:{JANE_PHONE}")
    assert incident(svc, incident_id).next_call_at is None
    svc.clock.advance(60)
    run(svc, "recall")  # the timer asked for before the acknowledgement
    assert len(calls(svc, incident_id)) == 2
    assert asked(svc, "recall") == [] and sweep(svc)["recalls"] == 0


def test_a_queued_repeat_is_not_rung_once_someone_acknowledges(make):
    svc, phone, incident_id = opened(make, calling())
    run(svc, "file_ticket", "deliver_page")
    svc.clock.advance(120)
    run(svc, "recall")
    ownership.acknowledge(svc, incident_id, "slack:U123")
    run(svc, "deliver_page")
    assert len(phone.sent) == 1 and pages(svc, incident_id)[-1][3] == "cancelled"


def test_without_repeat_a_call_is_placed_again_three_times_then_stops(make):
    svc, _, incident_id = opened(make, calling())
    for _ in range(5):
        svc.clock.advance(120)
        run(svc, "recall")
    assert [k for k, _ in calls(svc, incident_id)] == ["page", "recall:0", "recall:0", "recall:0"]
    assert incident(svc, incident_id).next_call_at is None
    assert asked(svc, "recall") == []


def test_the_chains_repeat_bounds_the_calls(make):
    svc, _, incident_id = opened(make, calling(repeat=1))
    for _ in range(3):
        svc.clock.advance(120)
        run(svc, "recall")
    assert len(calls(svc, incident_id)) == 2
    assert event(svc, incident_id, "call_repeated")["of"] == 1


def test_a_step_rings_only_its_calls_again_and_the_chain_moves_on_after_its_delay(make):
    step = ('{after: 10, every: 3, page: [{method: call, page: "{oncall}"}, '
            '{method: email, page: manager@msp.example}]}, '
            '{after: 5, page: [{method: email, page: boss@msp.example}]}')
    svc, _, incident_id = opened(make, calling(rule_every="", steps=step))
    assert asked(svc, "recall") == []  # the rule's own call has no `every`
    svc.clock.advance(600)
    run(svc, "escalate")
    assert [(_[0], _[1]) for _ in pages(svc, incident_id)[1:]] == [("chain:0", "call"), ("chain:1", "email")]
    assert asked(svc, "recall") == [("recall", (incident_id,), 180)]
    svc.clock.advance(180)
    run(svc, "recall")
    assert [(_[0], _[1]) for _ in pages(svc, incident_id)[3:]] == [("recall:0", "call")]
    assert event(svc, incident_id, "call_repeated")["step"] == 2
    # The next step is due 5 minutes after the step was paged, whatever its calls did.
    svc.clock.advance(120)
    run(svc, "escalate", "recall")
    assert [(_[0], _[2]) for _ in pages(svc, incident_id)[4:]] == [("chain:0", "boss@msp.example")]
    assert incident(svc, incident_id).next_call_at is None  # the new step has no `every`
    svc.clock.advance(180)
    run(svc, "recall")
    assert len(pages(svc, incident_id)) == 5


def test_a_snooze_pauses_the_calls_and_its_end_starts_them_again(make):
    svc, _, incident_id = opened(make, calling())
    ownership.snooze(svc, incident_id, "slack:U123", 15)
    svc.clock.advance(120)
    run(svc, "recall")
    assert len(calls(svc, incident_id)) == 1
    svc.clock.advance(15 * 60)
    run(svc, "wake")
    assert asked(svc, "recall") == [("recall", (incident_id,), 120)]
    assert incident(svc, incident_id).calls_repeated == 0


def test_a_lost_repeat_timer_is_fired_by_the_sweep(make):
    svc, _, incident_id = opened(make, calling())
    take(svc)  # the queue lost the timer's job
    svc.clock.advance(119)
    assert sweep(svc)["recalls"] == 0
    svc.clock.advance(1)
    assert sweep(svc)["recalls"] == 1
    assert asked(svc, "recall") == [("recall", (incident_id,), 0)]
