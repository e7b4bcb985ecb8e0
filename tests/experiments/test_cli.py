"""The ``shoplab`` entry point: sub-commands, exit statuses, messages."""

from experiments.cli import main


def test_interrupt_says_how_to_resume_with_exit_status_130(tiny_config, monkeypatch, capsys):
    # issue 15: the Ctrl-C message did not mention --resume
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("experiments.commands.run_experiment", interrupted)
    assert main(["run", str(tiny_config), "--no-progress"]) == 130
    assert capsys.readouterr().err == (
        "shoplab: interrupted; run the same command with --resume to continue\n"
    )
