from users_api.app import create_app, reset

__all__ = ["create_app", "reset"]
