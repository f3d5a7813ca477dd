"""Only what pyproject.toml cannot say: the wheel is platform-specific (it carries native code) but Python-version
independent (ctypes, no extension module), so its tag is py3-none-<platform>; and it is never built without the
native files that build-wheel.sh puts into the package."""
import os
import sys

from setuptools import Distribution, setup
from wheel.bdist_wheel import bdist_wheel

_HERE = os.path.dirname(os.path.abspath(__file__))
_NATIVE = [os.path.join("fastmerge", "libfastmerge.so"), os.path.join("fastmerge", "bin", "fastmerge")]


class NativeDistribution(Distribution):
    def has_ext_modules(self) -> bool:
        return True  # native files inside: installed to platlib, never treated as pure Python


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform

    def run(self) -> None:
        missing = [p for p in _NATIVE if not os.path.isfile(os.path.join(_HERE, p))]
        if missing:
            sys.exit("fastmerge wheel: missing " + ", ".join(missing) + "; build with native-compat/python/build-wheel.sh")
        super().run()


setup(distclass=NativeDistribution, cmdclass={"bdist_wheel": PlatformWheel})
