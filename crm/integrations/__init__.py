"""Layer 1: front doors and adapters (import/export, and later email, calendar, webhooks, telephony)."""
