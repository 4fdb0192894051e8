"""DevFlowFix: the application (settings, server, CLI, queue, dispatch and services)."""
