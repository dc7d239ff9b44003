"""Entry points of the worker processes that run export and import jobs off the server's
event loop. They sit beside web/ (the other entry point) and call into domain/."""
