"""A bare Flask "hello" app: the floor the benchmarks compare Mailroom's pages with.

gunicorn --workers 2 --bind 127.0.0.1:8099 bench.hello:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello() -> str:
    return "Hello"
