"""system_alerts tests."""
