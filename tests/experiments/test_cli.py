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


def test_personal_data_in_an_error_message_is_redacted_on_stderr(tmp_path, capsys):
    path = tmp_path / "13812345678.yaml"  # a phone number in a file name, echoed by the error
    path.write_text("name: x\nhorizon: 0\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "13812345678" not in err and "<phone>" in err
