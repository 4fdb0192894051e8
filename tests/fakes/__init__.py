"""Fakes of the services the bot talks to (GitHub, GitLab, an OpenAI-compatible LLM), served over real HTTP."""
