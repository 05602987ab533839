"""Name normalisation shared by the importers and the models."""

import re
import unicodedata

_NOISE = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_ABBREVIATIONS = {
    "so": "sheriffs office",
    "sheriff s office": "sheriffs office",
    "sheriffs dept": "sheriffs department",
    "pd": "police department",
    "police dept": "police department",
    "co": "county",
    "st": "saint",
}


def fold(text):
    """Lower-case ASCII with punctuation removed and spaces collapsed."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = text.lower().replace("'", "").replace("\u2019", "")
    text = _NOISE.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def agency_name_key(name):
    """Key under which two spellings of one agency's name are the same agency.

    "Cherokee County Sheriff's Office", "CHEROKEE CO. SO" and "The Cherokee County Sheriffs Office"
    share one key.
    """
    words = fold(name)
    if words.startswith("the "):
        words = words[4:]
    for short, long in _ABBREVIATIONS.items():
        words = re.sub(rf"\b{short}\b", long, words)
    return _SPACES.sub(" ", words).strip()


def county_name_key(name):
    """Key for matching a county name as written by ICE or the FBI to the Census name."""
    words = fold(name)
    words = re.sub(r"\b(county|parish|borough|census area|city and borough|municipality|municipio)\b", "", words)
    words = re.sub(r"\bst\b", "saint", words)
    return _SPACES.sub(" ", words).strip()
