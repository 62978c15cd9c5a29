"""The migrations build exactly the schema the models describe, on both databases."""


def test_models_and_migrations_agree(app):
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output  # non-zero lists the missing operations
