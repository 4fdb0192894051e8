"""The LLM: an OpenAI-compatible client, the prompt (within a token budget) and the validated JSON answer."""
