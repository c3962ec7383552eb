"""Twilio's SMS webhooks: delivery reports for SMS pages (POST /sms/status)."""
