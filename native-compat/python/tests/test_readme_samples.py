"""Issue 17: the README's .NET and Python samples compile and run as written, on two synthetic SD1 checkpoints named
as the samples name them (A.safetensors, B.safetensors), in a folder of their own."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from test_fastmerge import CLI, ROOT, sd1_models  # noqa: F401 - the module fixture (three synthetic SD1 checkpoints)


def _samples(language: str):
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        blocks = re.findall(rf"^```{language}\n(.*?)^```$", f.read(), re.M | re.S)
    assert blocks, f"README.md has no ```{language} sample"
    return blocks


@pytest.fixture
def sample_dir(sd1_models, tmp_path):  # noqa: F811
    a, b, _ = sd1_models
    shutil.copyfile(a, tmp_path / "A.safetensors")
    shutil.copyfile(b, tmp_path / "B.safetensors")
    return tmp_path


def _same_merge_as_the_cli(folder) -> None:
    # The same relative paths from the same folder: the recipe in the metadata records the paths as given.
    reference = str(folder / "cli.safetensors")
    subprocess.run(["dotnet", CLI, "merge", "-a", "A.safetensors", "-b", "B.safetensors", "--alpha", "0.3", "-o", reference],
                   cwd=folder, check=True, capture_output=True)
    with open(folder / "out.safetensors", "rb") as f, open(reference, "rb") as g:
        assert f.read() == g.read()


def test_the_python_sample_runs_as_written(sample_dir):
    for i, code in enumerate(_samples("python")):
        (sample_dir / "out.safetensors").unlink(missing_ok=True)
        script = sample_dir / f"sample{i}.py"
        script.write_text(code)
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "native-compat", "python"))
        result = subprocess.run([sys.executable, str(script)], cwd=sample_dir, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "SD1.x True\n", result.stdout
        _same_merge_as_the_cli(sample_dir)


_PROJECT = """<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="{merging}" />
  </ItemGroup>
</Project>
"""


def test_the_dotnet_sample_compiles_and_runs_as_written(sample_dir):
    if shutil.which("dotnet") is None:
        pytest.skip("needs the .NET SDK")
    for i, code in enumerate(_samples("csharp")):
        (sample_dir / "out.safetensors").unlink(missing_ok=True)
        # What `dotnet new console` gives (implicit usings on), plus a reference to the library; Program.cs is the sample.
        project = sample_dir / f"sample{i}"
        project.mkdir()
        (project / "Sample.csproj").write_text(_PROJECT.format(merging=os.path.join(ROOT, "src", "Fast.Merging", "Fast.Merging.csproj")))
        (project / "Program.cs").write_text(code)
        env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")
        build = subprocess.run(["dotnet", "build", str(project), "-c", "Release", "-nologo", "-v", "quiet", "-o", str(project / "bin")],
                               env=env, capture_output=True, text=True, timeout=900)
        assert build.returncode == 0, build.stdout + build.stderr
        result = subprocess.run(["dotnet", str(project / "bin" / "Sample.dll")], cwd=sample_dir, env=env, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert re.fullmatch(r"\d+ tensors merged, sha256 [0-9a-f]{64}", lines[0]) and lines[1] == "healthy: True", result.stdout
        _same_merge_as_the_cli(sample_dir)
