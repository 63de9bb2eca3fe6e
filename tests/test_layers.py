"""The import layers in pyproject.toml ([tool.importlinter]) hold, and the check can fail."""

import subprocess  # nosec B404
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603  # nosec B603
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_layers_run_one_way():
    result = _lint(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_check_fails_on_an_import_against_the_layers(tmp_path):
    # Upside down: the kernel above accounts, which imports it. The tool must see that import.
    config = tmp_path / "upside_down.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["accounts", "kernel"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "Upside down"\ntype = "layers"\n'
        'layers = ["kernel", "accounts"]\n'
    )
    result = _lint(config)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "kernel is not allowed to import accounts" not in result.stdout
    assert "accounts is not allowed to import kernel" in result.stdout
