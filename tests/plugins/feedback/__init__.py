"""feedback tests."""
