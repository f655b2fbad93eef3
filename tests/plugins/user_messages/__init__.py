"""Tests of the user_messages plugin: compose, recipient search, add participants."""
