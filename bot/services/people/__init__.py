"""People in control of their own data: listing, credit notices, export, erasure, merges."""
