"""The phone side: Twilio (calls, SMS) and the LLM that triages what a caller said."""
from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr

from app.config.parsers import E164, BaseUrl, TwilioSid


class VoiceSettings(BaseModel):
    twilio_account_sid: TwilioSid = Field("", validation_alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: SecretStr = Field(SecretStr(""), validation_alias="TWILIO_AUTH_TOKEN")
    twilio_from_number: E164 = Field("", validation_alias="TWILIO_FROM_NUMBER")
    twilio_api_url: BaseUrl = Field("", validation_alias="TWILIO_API_URL")
    # The MSP's own phone number, told to a caller when nothing at all could store their call.
    msp_phone: E164 = Field("", validation_alias="NIGHTDESK_MSP_PHONE")

    openai_api_key: SecretStr = Field(SecretStr(""), validation_alias="OPENAI_API_KEY")
    openai_base_url: BaseUrl = Field("", validation_alias="OPENAI_BASE_URL")
    triage_model: str = Field("gpt-4o-mini", validation_alias="NIGHTDESK_TRIAGE_MODEL")
    triage_timeout: float = 4.0
    # How long a caller may wait for the LLM before the rule-based fallback decides.
    fallback_after: float = 8.0
    # After this many LLM failures in a row the fallback decides at once for the cool-off (then
    # one call tries the LLM again), so an outage costs a few callers the wait, not every caller.
    llm_breaker_failures: int = Field(3, ge=1, validation_alias="NIGHTDESK_LLM_BREAKER_FAILURES")
    llm_breaker_cool_off: float = Field(30.0, gt=0, validation_alias="NIGHTDESK_LLM_BREAKER_COOL_OFF_S")

    @property
    def openai_enabled(self) -> bool:
        return bool(self.openai_api_key)
