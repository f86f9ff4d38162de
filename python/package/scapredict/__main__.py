"""python3 -m scapredict --version | --meaning: the installed module's version, and what the
built-in model's risk means."""

import argparse
import sys

from . import Model, __version__


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m scapredict", description=__doc__)
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("--meaning", action="store_true",
                   help="print what the built-in model's risk means and exit")
    a = p.parse_args(argv)
    if a.meaning:
        print("\n".join(Model.default().meaning))
        return 0
    print(f"scapredict {__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
