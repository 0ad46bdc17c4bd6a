"""The team hub: platform webhooks in, live events out to consoles, and the team's shared record."""
