"""The kernel's browser pages: one module per area, each a Blueprint."""
