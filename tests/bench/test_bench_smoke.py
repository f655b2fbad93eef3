"""The benchmark suite at a tiny scale: the generator fills a database the app can serve,
and ``bench.run --smoke`` writes its table. No timing is asserted: CI machines vary."""

from __future__ import annotations

from bench import run
from bench.seed import HEAVY_USERNAME, seed
from kernel.models import Conversation, Message, Participant, User
from kernel.search import matching_conversations, parse_query


def test_generator_writes_a_small_dataset_the_inbox_and_search_can_read(ctx):
    database = ctx.extensions["mailroom.database"]
    summary = seed(database, 0.0002, heavy=60, progress=False)
    assert summary.conversations == Conversation.select().count() == 200
    assert summary.messages == Message.select().count()
    assert summary.participants == Participant.select().count()
    heavy = User.by_username(HEAVY_USERNAME)
    assert Participant.select().where(Participant.user == heavy).count() == 60
    types = {row.message_type for row in Conversation.select(Conversation.message_type)}
    assert types == {"PRIVATE", "TICKET", "SYSTEM", "VALIDATION_RESULT"}
    # Each participant row carries its conversation's state, as the kernel writes it.
    mismatched = (
        Participant.select()
        .join(Conversation)
        .where(
            (Participant.status != Conversation.status)
            | (Participant.priority != Conversation.priority)
            | (Participant.assignee.is_null() != Conversation.assignee.is_null())
            | (Participant.assignee != Conversation.assignee)
        )
    )
    assert mismatched.count() == 0
    assert Participant.select().where(Participant.status == "OPEN").count() > 0
    # The search index was written with the messages: a word of every text finds rows.
    hits = Participant.select().where(
        matching_conversations(parse_query("district"), include_internal=True)
    )
    assert hits.count() > 0


def test_generator_is_deterministic(make_app):
    first = _fingerprint(make_app)
    second = _fingerprint(make_app)
    assert first == second


def _fingerprint(make_app) -> list[tuple]:
    from tests.conftest import _empty_tables

    app = make_app()
    database = app.extensions["mailroom.database"]
    with app.app_context():
        database.connect(reuse_if_open=True)
        seed(database, 0.0001, heavy=20, progress=False)
        rows = list(
            Conversation.select(
                Conversation.subject, Conversation.message_type, Conversation.status
            )
            .order_by(Conversation.id)
            .tuples()
        )
        database.close()
    _empty_tables(app.config["DATABASE_URL"])
    return rows


def test_smoke_run_writes_a_table(make_app, tmp_path, capsys):
    app = make_app()
    output = tmp_path / "BENCHMARKS.md"
    output.write_text(
        "# Benchmarks\n\nHand-written notes.\n\n"
        "<!-- bench:start -->\nSTALE-TABLE\n<!-- bench:end -->\n"
    )
    run.main(["--smoke", "--database-url", app.config["DATABASE_URL"], "--output", str(output)])
    written = output.read_text()
    assert "Hand-written notes." in written and "STALE-TABLE" not in written
    assert "| budget | case | median | p95 | floor | ratio |" in written
    for budget in (
        "inbox first page",
        "search",
        "unread badge",
        "first inbox load",
        "send",
        "org-unit routing",
        "other pages",
    ):
        assert f"| {budget} |" in written
    assert "HTTP 4" not in written and "HTTP 5" not in written
    assert "POST /api/messageConversations to a group of" in written
    assert "| budget |" in capsys.readouterr().out
    # The send cases remove what they sent, so a second run measures the same data.
    with app.app_context():
        left = Conversation.select().where(Conversation.subject.startswith("Benchmark:"))
        assert left.count() == 0
        app.extensions["mailroom.database"].close()
