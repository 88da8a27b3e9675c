"""Rooms (issue #19 item 1): a conversation the young person opens for people on the team they
choose. The rows (consent.Room, RoomMember, RoomMessage) live with the share path, because the
members are the young person's standing consent for the room; the workflow, pages and API are
the young person's voice. Every message is an Entry shared through consent.services.share."""
