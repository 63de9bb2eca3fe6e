import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from kernel.security import client_address

PROXIES = ("10.0.0.0/8",)


def test_without_trusted_proxies_the_connection_address_is_used():
    assert client_address("198.51.100.7", "203.0.113.1", ()) == "198.51.100.7"


def test_a_header_from_an_untrusted_connection_is_ignored():
    assert client_address("198.51.100.7", "203.0.113.1", PROXIES) == "198.51.100.7"


def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client():
    assert client_address("10.0.0.5", "1.2.3.4, 203.0.113.1, 10.0.0.9", PROXIES) == "203.0.113.1"


def test_a_malformed_header_falls_back_to_the_connection():
    assert client_address("10.0.0.5", "not-an-ip", PROXIES) == "10.0.0.5"


@given(remote=st.text(max_size=60), header=st.text(max_size=200))
def test_any_input_gives_a_valid_address(remote, header):
    ipaddress.ip_address(client_address(remote, header, PROXIES))


@given(header=st.lists(st.ip_addresses(v=4).map(str), max_size=5).map(", ".join))
def test_an_address_the_client_wrote_left_of_the_proxys_entry_is_never_believed(header):
    # The proxy appends the address it saw; the client controls everything before it.
    result = client_address(
        "10.0.0.5", f"{header}, 192.0.2.55" if header else "192.0.2.55", PROXIES
    )
    assert result == "192.0.2.55"
