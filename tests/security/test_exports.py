import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from kernel.exports import FORMULA_PREFIXES, csv_response, escape_cell, xlsx_response


@given(st.text())
def test_no_escaped_cell_starts_like_a_formula(text):
    escaped = escape_cell(text)
    assert not escaped.startswith(FORMULA_PREFIXES)
    assert escaped.endswith(text)  # nothing is lost


def test_numbers_stay_numbers():
    assert escape_cell(-5) == -5
    assert escape_cell(None) is None


def test_csv_export_escapes_formulas_and_is_an_attachment():
    response = csv_response(
        "Signatories", ["Name", "Note"], [["Camden", '=HYPERLINK("http://x")'], ["@SUM(A1)", -3]]
    )
    assert response["Content-Disposition"] == 'attachment; filename="Signatories.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["Name", "Note"], ["Camden", '\'=HYPERLINK("http://x")'], ["'@SUM(A1)", "-3"]]


def test_xlsx_export_never_writes_a_formula():
    response = xlsx_response(
        "Caps", ["Role", "Rate"], [["+cmd|' /C calc'!A0", 32.5], ["\tTab", None]]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [["Role", "Rate"], ["'+cmd|' /C calc'!A0", 32.5], ["'\tTab", None]]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
