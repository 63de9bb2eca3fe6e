"""The portal's icon: linked from every page, and at /favicon.ico for browsers that just ask."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_favicon_ico_answers_without_signing_in():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO file


def test_every_page_links_the_icons_and_each_answers(settings):
    # Static files come from static/ here, as under runserver (a live portal collects them).
    settings.WHITENOISE_USE_FINDERS = True
    page = Client().get(reverse("login")).content.decode()
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert icons == ["/favicon.ico", "/static/images/favicon.svg"]
    for href in icons:
        assert Client().get(href).status_code == 200, href
    svg = b"".join(Client().get(icons[1]).streaming_content).decode()
    assert svg.startswith("<svg")
    assert "<title>Agency MOU governance portal</title>" in svg
