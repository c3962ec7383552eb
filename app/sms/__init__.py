"""Twilio's SMS webhooks: delivery reports for SMS pages (POST /sms/status) and technicians'
replies to them (POST /sms/incoming)."""
