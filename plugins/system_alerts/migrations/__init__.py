"""system_alerts migrations (history table ``migrations_system_alerts``)."""
