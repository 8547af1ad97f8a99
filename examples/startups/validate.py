"""Validate the Staging candidate: load it from the registry, score a known startup, and tag
the version ``validation_status=approved`` (or ``rejected``, exiting 1).

Usage: python validate.py [--name Unicorn] [--max-error 0.25]
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

import modelreg
import modelreg.pyfunc

# The seed's first startup, and its profit.
KNOWN = pd.DataFrame(
    {
        "R&D Spend": [165349.20],
        "Administration": [136897.80],
        "Marketing Spend": [471784.10],
        "State": ["New York"],
    }
)
KNOWN_PROFIT = 192261.83


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="Unicorn")
    parser.add_argument("--max-error", type=float, default=0.25, help="Relative error allowed.")
    args = parser.parse_args()

    client = modelreg.Client()
    candidate = client.get_latest_versions(args.name, ["Staging"])[0]
    model = modelreg.pyfunc.load_model(f"models:/{args.name}/{candidate.version}")
    predicted = float(model.predict(KNOWN)[0])
    error = abs(predicted - KNOWN_PROFIT) / KNOWN_PROFIT
    status = "approved" if error <= args.max_error else "rejected"
    client.set_model_version_tag(args.name, candidate.version, "validation_status", status)
    print(f"version {candidate.version}: predicted {predicted:.0f}, error {error:.1%}: {status}")
    sys.exit(0 if status == "approved" else 1)


if __name__ == "__main__":
    main()
