"""Triage: the agent (LLM port + OpenAI adapter), its decision schema, and the fallback."""
from .agent import TriageAgent
from .decision import Decision, TriageContext
from .fallback import fallback_decide

__all__ = ["Decision", "TriageAgent", "TriageContext", "fallback_decide"]
