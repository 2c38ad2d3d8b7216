"""The programme configuration every test starts from (``config_data`` copies it)."""

from __future__ import annotations

from typing import Any

BASE_CONFIG: dict[str, Any] = {
    "timezone": "UTC",
    "slack": {
        "shoutout_channel": "C01SHOUT",
        "review_channel": "C01REVIEW",
        "announcements_channel": "C01NEWS",
        "team_leads": ["U01LEAD", "U02LEAD"],
        "program_managers": ["U01PM"],
    },
    "discourse": {"shoutout_category_id": 5, "support_category_ids": [7]},
    "organisations": [
        {
            "slug": "acme",
            "name": "Acme Learning",
            "domains": ["acme.example"],
            "country": "US",
            "employees": 40,
            "partner": True,
            "contacts": ["U01ACME"],
        },
        {
            "slug": "beta",
            "name": "Beta Pedagogy",
            "domains": ["beta.example"],
            "country": "FR",
            "employees": 10,
            "partner": True,
            "contacts": ["U01BETA"],
        },
        {"slug": "core", "name": "Core Team", "domains": ["project.example"], "staff": True},
    ],
}
