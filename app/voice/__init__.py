"""Twilio voice webhooks and the TwiML they answer with."""
