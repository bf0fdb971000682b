"""The codebook documents every table and field and is in step with the schema."""

from __future__ import annotations

from helpers import codebook, paths
from helpers.validate import load_descriptor


def test_generated_blocks_are_up_to_date() -> None:
    current = codebook.CODEBOOK.read_text(encoding="utf-8")
    assert codebook.render_codebook(current, paths.DATA_DIR) == current, "run: python3 dev.py codebook"


def test_every_field_and_reference_code_is_described() -> None:
    text = codebook.CODEBOOK.read_text(encoding="utf-8")
    for resource in load_descriptor(paths.DATA_DIR)["resources"]:
        assert f"`{resource['path']}`" in text or f"`reference/{resource['name']}.csv`" in text
        for field in resource["schema"]["fields"]:
            assert field.get("description"), f"{resource['name']}.{field['name']} has no description"
    for heading in ("The stage ladder", "Conditions", "Vague statements", "Confidence", "Which report each actor appears in"):
        assert f"## {heading}" in text
