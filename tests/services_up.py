"""Exit 0 when the PostgreSQL and Redis given on the command line answer (make test's second leg)."""
import sys

import redis
import sqlalchemy


def main(pg_url: str, redis_url: str) -> int:
    try:
        engine = sqlalchemy.create_engine(pg_url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("SELECT 1"))
        engine.dispose()
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as exc:  # any failure means: this leg can't run here
        print(f"not available: {type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
