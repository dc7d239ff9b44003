"""Write the server's SDL to schema.graphql (commit it; a test fails when it drifts)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schema import schema  # noqa: E402


def main() -> None:
    (ROOT / "schema.graphql").write_text(schema.as_str() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
