"""predict's --model: a file the user named that is no model of ours is said to be so, in one
line that never tells them to delete it."""

from pathlib import Path

from pipeline.__main__ import main

CONFIG = Path(__file__).resolve().parents[2] / "configs" / "default.toml"


def test_a_model_option_naming_some_other_file_is_not_called_damaged(tmp_path, capsys):
    other = tmp_path / "passwd"
    other.write_text("root:x:0:0:root:/root:/bin/bash\n")
    status = main(["predict", "--model", str(other), "--config", str(CONFIG), "--device", "cpu",
                   "--build", str(tmp_path / "build"), "a fine film"])
    error = capsys.readouterr().err
    assert status == 2 and error.count("\n") == 1
    assert error.startswith(f"error: {other} is not a model file or folder this project writes (")
    assert "delete" not in error
