"""Languages advisers work in, as ISO 639-1 codes with English names (pure)."""

# ISO 639-1 codes of the EU's official languages and the demo region's others.
LANGUAGES = {
    "bg": "Bulgarian", "bs": "Bosnian", "cs": "Czech", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian", "fi": "Finnish",
    "fr": "French", "ga": "Irish", "hr": "Croatian", "hu": "Hungarian", "it": "Italian",
    "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian", "mt": "Maltese", "nl": "Dutch",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "sk": "Slovak", "sl": "Slovenian",
    "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "uk": "Ukrainian",
}


def language_names(codes: list[str] | tuple[str, ...]) -> str:
    """"German, English" for ["de", "en"]; unknown codes are shown as they are."""
    return ", ".join(LANGUAGES.get(code, code) for code in codes)
