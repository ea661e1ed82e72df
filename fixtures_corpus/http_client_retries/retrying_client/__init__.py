from retrying_client.client import HttpClientError, RetryingClient

__all__ = ["HttpClientError", "RetryingClient"]
