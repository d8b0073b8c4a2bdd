"""``pressroom all`` (issue 9): every format from one process, byte for byte what the
separate commands write, and nothing written when one of them fails."""

from __future__ import annotations

from conftest import SOURCE, SUFFIX, run_cli


def test_all_matches_the_separate_commands(outputs, tmp_path):
    run_cli("all", SOURCE, "--outdir", tmp_path)
    for kind, suffix in SUFFIX.items():
        built = tmp_path / (SOURCE.stem + suffix)
        assert built.read_bytes() == outputs[kind].read_bytes(), f"{kind}: 'all' differs from the separate command"


def test_all_writes_nothing_when_a_format_fails(tmp_path):
    proc = run_cli("all", SOURCE, "--outdir", tmp_path, "--trim", "nosuch", check=False)
    assert proc.returncode == 1 and "nosuch" in proc.stderr
    assert not any(tmp_path.iterdir())
