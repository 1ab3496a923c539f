"""Analytical CRM (layer 3): dashboards, pivot reports and customer analytics. Reads the layers below through
their selectors; never writes to them except through their services."""
