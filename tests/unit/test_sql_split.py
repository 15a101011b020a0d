"""The SQL splitter finds statement boundaries and their lines, whatever the quoting."""

from cadastre.db.sql_split import split_statements


def test_statements_split_on_top_level_semicolons_with_their_lines() -> None:
    script = (
        "CREATE TABLE a (x int);\n\n-- a comment; with a semicolon\nINSERT INTO a VALUES (1);\n"
    )
    statements = split_statements(script)
    assert [s.text for s in statements] == ["CREATE TABLE a (x int);", "INSERT INTO a VALUES (1);"]
    assert [s.line for s in statements] == [1, 4]


def test_semicolons_inside_dollar_quoted_bodies_do_not_split() -> None:
    script = (
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\n"
        "BEGIN\n  PERFORM 1; RETURN 2;\nEND $body$;\nSELECT f();"
    )
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].text == "SELECT f();"
    assert statements[1].line == 5


def test_semicolons_in_strings_identifiers_and_block_comments_do_not_split() -> None:
    script = "SELECT 'a;b', \"c;d\" /* e; f */ FROM t;\nSELECT 'it''s; fine';"
    assert [s.line for s in split_statements(script)] == [1, 2]
    assert split_statements(script)[1].text == "SELECT 'it''s; fine';"


def test_a_trailing_statement_without_semicolon_is_kept() -> None:
    assert [s.text for s in split_statements("SELECT 1;\nSELECT 2\n")] == ["SELECT 1;", "SELECT 2"]


def test_comment_only_scripts_have_no_statements() -> None:
    assert split_statements("-- nothing here\n/* nor here */\n") == []
