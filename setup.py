"""Builds the package's compiled module, scapredict._core, with CMake (pyproject.toml).

The build directory is build/pip, configured for the running interpreter; set
SCAPREDICT_BUILD_DIR to an already configured build directory (build/dev, say) to build the
target there instead. Nothing is downloaded: the CMake build uses Debian's packages only.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def version():
    text = (ROOT / "CMakeLists.txt").read_text()
    m = re.search(r"project\(\s*scapredict\s+VERSION\s+([0-9.]+)", text)
    if not m:
        raise RuntimeError("CMakeLists.txt: no project(scapredict VERSION ...)")
    return m.group(1)


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = os.environ.get("SCAPREDICT_BUILD_DIR")
        if build:
            build = Path(build).resolve()
        else:
            build = ROOT / "build" / "pip"
            subprocess.run(
                ["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                 "-DSCAPREDICT_PYTHON=ON", "-DSCAPREDICT_TESTS=OFF", "-DSCAPREDICT_BENCH=OFF",
                 f"-DPython3_EXECUTABLE={sys.executable}"],
                check=True)
        jobs = str(os.cpu_count() or 1)
        subprocess.run(["cmake", "--build", str(build), "--target", "scapredict_pkg", "-j", jobs],
                       check=True)
        built = sorted((build / "python" / "package").glob("_core*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one _core module in {build}/python/package, found {built}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], target)


setup(version=version(), ext_modules=[Extension("scapredict._core", sources=[])],
      cmdclass={"build_ext": CMakeBuild})
