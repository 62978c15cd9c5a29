"""The 360Giving flattened spreadsheet, made by flattentool (the standard's own tool) from the
published JSON and the bundled schema, with the standard's column titles, then passed through
the one spreadsheet writer (app/core/spreadsheets.py) so that no cell runs as a formula."""

import warnings
from pathlib import Path

from flattentool import flatten
from flattentool.exceptions import FlattenToolWarning

from app.core.spreadsheets import rewrite_xlsx
from app.opendata.services.schemas import SCHEMAS


def write_360giving_xlsx(json_path: Path, xlsx_path: Path) -> None:
    xlsx_path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # flattentool warns for every schema field without a title (the transaction arrays);
        # those columns are still written, under their JSON names.
        warnings.simplefilter("ignore", FlattenToolWarning)
        flatten(str(json_path), output_name=str(xlsx_path), output_format="xlsx",
                schema=str(SCHEMAS / "360giving" / "360-giving-schema.json"),
                root_list_path="grants", root_id="", main_sheet_name="grants", use_titles=True)
    rewrite_xlsx(xlsx_path)
