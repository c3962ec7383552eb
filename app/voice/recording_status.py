"""POST /voice/recording: Twilio's recording status callback for calls a runbook records
(`record: true`). The link is kept on the call and goes to the ticket as a note once (app.incidents
.call_notes); NightDesk never fetches the audio, and the link is Twilio's own.

Parameters read (Twilio's "Voice Webhooks" page, "Recording status callbacks"): CallSid,
RecordingSid, RecordingStatus, RecordingUrl (with completed), RecordingDuration (seconds).
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app

from app import incidents
from app.webhooks.twilio import twilio_signed

from . import fields, twiml

log = logging.getLogger(__name__)

bp = Blueprint("voice_recording", __name__, url_prefix="/voice")


@bp.post("/recording")
@twilio_signed
def recording():
    sid, recording_sid, status = fields.call_sid(), fields.recording_sid(), fields.recording_status()
    url = fields.recording_url() if status == "completed" else ""
    duration = fields.recording_duration()
    if status != "in-progress":
        known = incidents.record_recording(current_app.extensions["nightdesk"], sid, recording_sid,
                                           status, url, duration)
        if not known:  # a call that went to the spool while the database was down, or not ours
            log.warning("recording %s is for call %s, which NightDesk has no row for", recording_sid, sid)
    return Response(twiml.empty_response(), mimetype="text/xml")
