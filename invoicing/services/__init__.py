"""Invoicing services: issuing (numbers, taxes, PDF) in `issuing`, the payment facts in `payments`."""
