"""Orchestration: calls and turns, incidents, tickets, pages, the sweep. No vendor code here."""
from .dispatch import deliver_page
from .escalation import escalate, renotify
from .sync import incident_changed
from .intake import end_call, finish_call, record_turn, start_call, triage_turn
from .opening import file_ticket, open_incident, plan_pages
from .reports import delivery_report
from .services import Services
from .sweep import sweep
from .work import RecordingWork, Work

__all__ = ["RecordingWork", "Services", "Work", "deliver_page", "delivery_report", "end_call", "escalate",
           "file_ticket", "incident_changed", "renotify",
           "finish_call", "open_incident", "plan_pages", "record_turn", "start_call", "sweep",
           "triage_turn"]
