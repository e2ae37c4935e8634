"""Checks of the addon's files that need no Odoo: manifest, XML, CSV, translations."""

import ast
import csv
import re
from pathlib import Path
from xml.etree import ElementTree

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
ADDON = "sale_order_lifecycle"
LANGS = ("zh_CN", "zh_TW")
DATA_DIRS = ("data", "demo", "security", "views", "wizards", "reports")


def tracked(pattern):
    skip = {".venv", ".cache", ".git"}
    return sorted(
        p for p in ROOT.glob(pattern) if not skip & set(p.relative_to(ROOT).parts)
    )


@pytest.fixture(scope="module")
def manifest():
    return ast.literal_eval((ROOT / "__manifest__.py").read_text())


def test_manifest_keys(manifest):
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", manifest["version"]), manifest[
        "version"
    ]
    assert manifest["license"] == "LGPL-3"
    assert manifest["installable"] is True
    assert manifest["application"] is False
    assert {"sale_management", "sale_stock", "account", "mail"} <= set(
        manifest["depends"]
    )


def test_manifest_files_exist_and_cover_data_dirs(manifest):
    listed = manifest.get("data", []) + manifest.get("demo", [])
    missing = [f for f in listed if not (ROOT / f).is_file()]
    assert not missing, f"files listed in the manifest but absent: {missing}"
    assert len(listed) == len(set(listed)), "a file is listed twice in the manifest"
    on_disk = {
        str(p.relative_to(ROOT))
        for d in DATA_DIRS
        for p in tracked(f"{d}/**/*")
        if p.suffix in (".xml", ".csv")
    }
    unlisted = sorted(on_disk - set(listed))
    assert not unlisted, f"data files not loaded by the manifest: {unlisted}"


def test_demo_files_only_in_demo(manifest):
    assert all(f.startswith("demo/") for f in manifest.get("demo", []))
    assert not any(f.startswith("demo/") for f in manifest.get("data", []))


@pytest.mark.parametrize(
    "path",
    [str(p.relative_to(ROOT)) for p in tracked("**/*.xml")],
)
def test_xml_well_formed(path):
    root = ElementTree.parse(ROOT / path).getroot()
    assert root.tag == "odoo", f"{path}: root element is <{root.tag}>, not <odoo>"


def test_demo_ids_end_with_demo():
    bad = [
        f"{p.name}:{rec.get('id')}"
        for p in tracked("demo/*.xml")
        for rec in ElementTree.parse(p).getroot().iter("record")
        if "." not in rec.get("id") and not rec.get("id").endswith("_demo")
    ]
    assert not bad, f"demo records whose id does not end in _demo: {bad}"


def test_access_csv_header():
    for path in tracked("security/*.csv"):
        with path.open() as f:
            header = next(csv.reader(f))
        assert header[:4] == ["id", "name", "model_id:id", "group_id:id"], path


@pytest.fixture(scope="module")
def pot():
    return polib.pofile(str(ROOT / "i18n" / f"{ADDON}.pot"))


def test_no_english_po():
    assert not (ROOT / "i18n" / "en.po").exists()


@pytest.mark.parametrize("lang", LANGS)
def test_translation_complete(pot, lang):
    po = polib.pofile(str(ROOT / "i18n" / f"{lang}.po"))
    translated = {e.msgid: e for e in po if not e.obsolete}
    missing = [e.msgid for e in pot if e.msgid not in translated]
    empty = [e.msgid for e in translated.values() if not e.msgstr]
    fuzzy = [e.msgid for e in translated.values() if "fuzzy" in e.flags]
    assert not missing, (
        f"{lang}.po lacks {len(missing)} entries of the pot: {missing[:5]}"
    )
    assert not empty, f"{lang}.po has {len(empty)} untranslated entries: {empty[:5]}"
    assert not fuzzy, f"{lang}.po has fuzzy entries: {fuzzy[:5]}"
    stale = [msgid for msgid in translated if msgid not in {e.msgid for e in pot}]
    assert not stale, f"{lang}.po has entries no longer in the pot: {stale[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_translation_placeholders(lang):
    placeholder = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}")
    po = polib.pofile(str(ROOT / "i18n" / f"{lang}.po"))
    bad = [
        e.msgid
        for e in po
        if e.msgstr
        and sorted(placeholder.findall(e.msgid))
        != sorted(placeholder.findall(e.msgstr))
    ]
    assert not bad, f"{lang}.po: placeholders differ from the source in {bad[:5]}"


def test_readme_names_addon_and_commands():
    readme = (ROOT / "README.md").read_text()
    assert ADDON in readme
    assert "scripts/run" in readme and "scripts/test" in readme
    for fragment in ("DESCRIPTION.md", "USAGE.md", "CONFIGURE.md", "CONTRIBUTORS.md"):
        assert (ROOT / "readme" / fragment).is_file(), fragment
