"""Adding a provider is one class: it registers itself, declares its settings, and gets the shared policy."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.libretranslate_server import FakeLibreTranslate, fake_translate
from tests.mt.conftest import mt_settings
from translate_app.mt import transport
from translate_app.mt.base import (
    REGISTRY,
    Option,
    Provider,
    make_provider,
    provider_choices,
    provider_ids,
    public_options,
)
from translate_app.mt.errors import ProviderAuthError, ProviderConfigError, ProviderTimeout


@pytest.fixture
def plain() -> Iterator[type[Provider]]:
    """Define a provider the way a contributor would (here in a fixture, so it leaves the registry afterwards)."""

    class PlainHttpProvider(Provider):
        """A LibreTranslate-compatible server spoken to with plain HTTP, no client library."""

        id = "plain-test"
        name = "Plain HTTP"
        options = (
            Option("url", "PLAIN_TEST_URL", required=True, what="a server"),
            Option("token", "PLAIN_TEST_TOKEN", secret=True),
        )
        batch_size = 4

        def send(self, text: str, source: str, target: str) -> str:
            response = transport.http(
                "POST", self.url + "translate", json={"q": text, "source": source, "target": target}
            )
            response.raise_for_status()
            return response.json()["translatedText"]

    yield PlainHttpProvider
    REGISTRY.pop("plain-test", None)


def test_the_class_alone_registers_it_and_declares_its_settings(plain, tmp_path) -> None:
    assert "plain-test" in provider_ids()
    with pytest.raises(ProviderConfigError, match="Plain HTTP needs a server: set TRANSLATE_APP_PLAIN_TEST_URL"):
        make_provider("plain-test", mt_settings(tmp_path))
    choice = {c.id: c for c in provider_choices(mt_settings(tmp_path))}["plain-test"]
    assert not choice.configured and "TRANSLATE_APP_PLAIN_TEST_URL" in choice.detail
    settings = mt_settings(tmp_path, PLAIN_TEST_URL="http://127.0.0.1:9/", PLAIN_TEST_TOKEN="s3cret")
    provider = make_provider("plain-test", settings)
    assert (provider.url, provider.token) == ("http://127.0.0.1:9/", "s3cret")
    # What a queued job carries to a worker: the URL, never the token.
    assert public_options(settings) == {"PLAIN_TEST_URL": "http://127.0.0.1:9/"}


def test_the_shared_policy_applies_without_the_provider_doing_anything(
    plain, tmp_path, libre: FakeLibreTranslate
) -> None:
    provider = make_provider(
        "plain-test", mt_settings(tmp_path, PLAIN_TEST_URL=libre.url), timeout=(1.0, 0.3), max_attempts=3
    )
    texts = ["One text", "Two text", "Three text"]
    assert provider.translate_batch(texts, "en", "de") == [fake_translate(t, "de") for t in texts]
    assert libre.requests == 1  # packed into one request
    libre.script("429", "500")  # retried, as for every provider
    assert provider.translate_batch(["Hello"], "en", "fr") == ["Hello_fr"]
    assert libre.requests == 4 == provider.requests
    libre.always("timeout")  # the policy's read timeout reaches a provider's own HTTP
    started = time.monotonic()
    with pytest.raises(ProviderTimeout, match="gave up after 3 attempts"):
        provider.translate_batch(["Hello"], "en", "de")
    assert time.monotonic() - started < 3 * 0.3 + 2
    libre.always("403")  # classified: refused credentials are not retried
    before = libre.requests
    with pytest.raises(ProviderAuthError, match="HTTP 403"):
        make_provider("plain-test", mt_settings(tmp_path, PLAIN_TEST_URL=libre.url)).translate_batch(
            ["Hello"], "en", "de"
        )
    assert libre.requests == before + 1


def test_a_provider_cannot_bypass_the_policy_or_take_anothers_id() -> None:
    provider_ids()  # the providers are loaded
    with pytest.raises(TypeError, match="overrides translate_batch"):

        class Eager(Provider):
            id = "eager-test"

            def translate_batch(self, texts, source, target):
                return texts

    with pytest.raises(TypeError, match="two providers with the id 'deepl'"):

        class Impostor(Provider):
            id = "deepl"

    assert "eager-test" not in REGISTRY and REGISTRY["deepl"].__name__ == "DeeplProvider"


def test_every_provider_declares_what_it_reads() -> None:
    for provider_id in provider_ids():
        cls = REGISTRY[provider_id]
        assert cls.__module__ == f"translate_app.mt.providers.{provider_id}"  # one module per provider
        for option in cls.options:
            assert option.env.isupper() and option.attribute.isidentifier()
    assert {o.env for o in REGISTRY["deepl"].options if o.secret} == {"DEEPL_API_KEY"}
    assert {o.env for o in REGISTRY["libretranslate"].options if not o.secret} == {"LIBRETRANSLATE_URL"}
    assert [pid for pid in provider_ids() if REGISTRY[pid].public_service] == ["google", "mymemory"]
