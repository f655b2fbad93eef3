"""orgunit_routing tests."""
