"""Orchestration: calls and turns, incidents, tickets, pages, the sweep. No vendor code here."""
from .ack_timeout import check as check_ack_timeout
from .call_notes import add_ticket_note, record_recording
from .dispatch import deliver_page
from .escalation import escalate, renotify
from .sync import incident_changed
from .intake import end_call, finish_call, record_turn, start_call, triage_turn
from .opening import file_ticket, open_incident, plan_pages
from .phone_pages import leave_voicemail
from .repeat_calls import recall
from .ringing import cancel_ringing
from .reports import delivery_report
from .services import Services
from .sweep import sweep
from .work import RecordingWork, Work

__all__ = ["RecordingWork", "Services", "Work", "add_ticket_note", "cancel_ringing", "check_ack_timeout", "deliver_page", "delivery_report", "end_call", "escalate", "record_recording",
           "file_ticket", "incident_changed", "leave_voicemail", "renotify",
           "finish_call", "open_incident", "plan_pages", "recall", "record_turn", "start_call", "sweep",
           "triage_turn"]
