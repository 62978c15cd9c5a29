"""Events: brokerage and training events, registrations, marketplace and meetings."""
