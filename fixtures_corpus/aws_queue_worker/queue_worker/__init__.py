from queue_worker.worker import Worker

__all__ = ["Worker"]
