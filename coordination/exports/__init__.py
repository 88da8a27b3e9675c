"""Everything about me, in one download (GDPR Art. 15; docs/architecture.md "GDPR"): the apps
offer their sections (`sections`), `build` writes the zip as a stream, `services` requests,
builds, hands out once and deletes, `selectors` lets a person see only their own."""
