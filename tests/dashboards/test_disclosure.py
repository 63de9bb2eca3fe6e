"""Disclosure control against hand-worked tables: primary suppression of 1 to 5 and of what is
computed from them, secondary suppression within a table and against its totals, rounding, and
true zeros."""

from decimal import Decimal

from dashboards.disclosure import Cell, Kind, Sum, row_and_column_sums, shown, suppress

D = Decimal


def count(n: int) -> Cell:
    return Cell(n, basis=n)


def test_headcounts_of_1_to_5_are_c_and_0_and_6_are_shown():
    table = [[count(0), count(1), count(5), count(6)]]
    assert suppress(table) == [[0, "c", "c", 6]]


def test_an_fte_or_rate_resting_on_a_small_headcount_is_c_too():
    table = [
        [count(4), Cell(D("3.5"), basis=4, kind=Kind.FTE), Cell(D("44.25"), 4, Kind.RATE)],
        [count(12), Cell(D("11.25"), basis=12, kind=Kind.FTE), Cell(D("41.95"), 12, Kind.RATE)],
    ]
    assert suppress(table) == [["c", "c", "c"], [12, D("11.3"), D("42.0")]]


def test_counts_about_organisations_are_never_suppressed():
    # Breaches, cap exceptions, signatories: no basis.
    assert suppress([[Cell(2), Cell(1), Cell(0)]]) == [[2, 1, 0]]


def test_primary_suppression_alone_would_leak_against_the_total():
    """Camden 3, Hackney 10, Islington 12, total 25: with only Camden hidden, 25 - 10 - 12 = 3.
    The smallest other LA is hidden too."""
    table = [[count(3)], [count(10)], [count(12)], [count(25)]]
    sums = row_and_column_sums(4, 1, total_row=True, total_column=False)
    assert suppress(table, sums) == [["c"], ["c"], [12], [25]]


def test_secondary_suppression_runs_across_rows_and_columns_until_nothing_can_be_worked_out():
    """Agency headcount by LA (rows) and job type (columns), with totals:

                 SW   TM   total
        Camden    8    2    10
        Hackney   9    7    16
        total    17    9    26

    Camden's 2 is hidden (primary). Its row (8 + c = 10) and column (c + 7 = 9) would give it
    away: Camden's 8 (the only other in the row) and Hackney's 7 (in the column) are hidden.
    Then Hackney's row (9 + c = 16) and the SW column (c + 9 = 17) each have one hidden, and
    hiding Hackney's 9 closes both: four unknowns, three independent sums."""
    table = [
        [count(8), count(2), count(10)],
        [count(9), count(7), count(16)],
        [count(17), count(9), count(26)],
    ]
    sums = row_and_column_sums(3, 3, total_row=True, total_column=True)
    result = suppress(table, sums)
    assert result == [["c", "c", 10], ["c", "c", 16], [17, 9, 26]]
    # No line of the table has exactly one hidden value.
    for each in sums:
        hidden = [p for p in each.positions if result[p[0]][p[1]] == "c"]
        assert len(hidden) != 1


def test_a_lone_hidden_value_among_zeros_hides_the_total():
    """Camden 4, Hackney 0, Islington 0, total 4: hiding a true zero protects nothing."""
    table = [[count(4)], [count(0)], [count(0)], [count(4)]]
    sums = row_and_column_sums(4, 1, total_row=True, total_column=False)
    assert suppress(table, sums) == [["c"], [0], [0], ["c"]]


def test_a_total_published_elsewhere_still_protects():
    """A region's LAs against a regional total shown on another page."""
    table = [[count(2)], [count(30)], [count(40)]]
    assert suppress(table, [Sum(((0, 0), (1, 0), (2, 0)))]) == [["c"], ["c"], [40]]


def test_rounding_is_half_up_to_one_place_and_zeros_stay_0():
    assert shown(Cell(D("2.25"), 10, Kind.FTE)) == D("2.3")
    assert shown(Cell(D("17.849"), 10, Kind.RATE)) == D("17.8")
    assert shown(Cell(D("0.00"), 0, Kind.FTE)) == 0
    assert shown(Cell(D("1234.565"), 10, Kind.MONEY)) == D("1234.57")
    assert shown(Cell(None, 10)) is None
