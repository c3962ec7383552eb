"""What the entry points that take vendor webhooks share (signature checks)."""
