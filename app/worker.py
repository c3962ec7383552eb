"""The queue worker: `python -m app.worker` (the Procfile's worker:)."""
import sys

from app import create_app
from app.config import ConfigError
from app.jobs import CONSUMER_OPTIONS


def main() -> None:
    try:
        app = create_app()
    except ConfigError as exc:
        sys.stderr.write(f"nightdesk: configuration error: {exc}\n")
        sys.exit(2)
    huey = app.extensions["huey"]
    huey.create_consumer(**CONSUMER_OPTIONS, periodic=True).run()


if __name__ == "__main__":
    main()
