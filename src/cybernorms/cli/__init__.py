"""The ``cybernorms`` command. Each module registers one family of subcommands."""
