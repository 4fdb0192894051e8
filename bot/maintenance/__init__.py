"""Periodic work, the same in both modes: refresh user tokens before they expire, return stale incidents, purge
old OAuth states and delivery bodies, and redeliver what GitHub failed to deliver. `schedule` says how often; the
embedded mode runs it on an asyncio timer (`timer`), the external mode as procrastinate periodic tasks (bot/jobs).
"""
