"""Providers: the registry, languages, batching, and the shared request policy."""

from __future__ import annotations

import time

import pytest
import requests

from tests.libretranslate_server import FakeLibreTranslate, fake_translate
from tests.mt.conftest import mt_settings
from translate_app.config import Settings
from translate_app.mt import transport
from translate_app.mt.base import (
    connection_problem,
    make_provider,
    parse_retry_after,
    provider_choices,
    provider_ids,
    split_packed,
    without_request_text,
)
from translate_app.mt.errors import (
    BadResponseError,
    ProviderAuthError,
    ProviderConfigError,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimitedError,
    UnknownProviderError,
    UnsupportedLanguageError,
)


def test_every_provider_of_the_design_is_registered() -> None:
    assert set(provider_ids()) == {"memory", "google", "deepl", "libretranslate", "microsoft", "mymemory"}


def test_an_unknown_provider_is_refused_with_the_known_ids(tmp_path) -> None:
    with pytest.raises(UnknownProviderError, match="choose one of .*libretranslate"):
        make_provider("babelfish", mt_settings(tmp_path))


@pytest.mark.parametrize(
    ("provider", "message"),
    [
        ("deepl", "TRANSLATE_APP_DEEPL_API_KEY"),
        ("microsoft", "TRANSLATE_APP_MICROSOFT_API_KEY"),
        ("libretranslate", "TRANSLATE_APP_LIBRETRANSLATE_URL"),
        ("google", "public web service .* TRANSLATE_APP_MT_PUBLIC_SERVICES=1"),
        ("mymemory", "public web service .* TRANSLATE_APP_MT_PUBLIC_SERVICES=1"),
    ],
)
def test_a_provider_missing_its_settings_says_which(tmp_path, provider: str, message: str) -> None:
    with pytest.raises(ProviderConfigError, match=message):
        make_provider(provider, mt_settings(tmp_path))


@pytest.mark.parametrize(
    ("provider", "language", "code"),
    [
        ("google", "he", "iw"),
        ("google", "zh_Hant", "zh-TW"),
        ("google", "de", "de"),
        ("mymemory", "de", "de-DE"),
        ("mymemory", "he", "he-IL"),
        ("mymemory", "en", "en-US"),
        ("microsoft", "zh_Hans", "zh-Hans"),
        ("deepl", "el", "el"),
        ("deepl", "he", None),
    ],
)
def test_language_codes_map_to_each_providers_own(tmp_path, provider: str, language: str, code: str | None) -> None:
    settings = mt_settings(tmp_path, DEEPL_API_KEY="k:fx", MICROSOFT_API_KEY="k", public=True)
    assert make_provider(provider, settings).provider_code(language) == code


def test_only_configured_providers_are_offered(tmp_path) -> None:
    def offered(**settings) -> list[str]:
        return [c.id for c in provider_choices(mt_settings(tmp_path, **settings)) if c.configured]

    assert offered() == ["memory"]  # always: it sends nothing anywhere
    assert offered(LIBRETRANSLATE_URL="http://127.0.0.1:5000/") == ["memory", "libretranslate"]
    assert offered(DEEPL_API_KEY="k:fx", MICROSOFT_API_KEY="k") == ["memory", "deepl", "microsoft"]
    assert offered(public=True) == ["memory", "google", "mymemory"]
    choices = {c.id: c for c in provider_choices(mt_settings(tmp_path, LIBRETRANSLATE_URL="http://u:pw@host:5000/x/"))}
    assert choices["libretranslate"].detail == "sends the text to the server at http://host:5000/x"
    assert "TRANSLATE_APP_DEEPL_API_KEY" in choices["deepl"].detail and not choices["deepl"].configured
    assert len(choices) == len(provider_ids())


def test_public_services_are_enabled_by_one_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRANSLATE_APP_MT_PUBLIC_SERVICES", raising=False)
    assert Settings.from_env().mt_public_services is False
    monkeypatch.setenv("TRANSLATE_APP_MT_PUBLIC_SERVICES", "1")
    assert Settings.from_env().mt_public_services is True


def test_an_unsupported_pair_is_refused_before_any_translation(tmp_path) -> None:
    deepl = make_provider("deepl", mt_settings(tmp_path, DEEPL_API_KEY="k:fx"))
    with pytest.raises(UnsupportedLanguageError, match="en → he, ko"):
        deepl.check_languages("en", ["de", "he", "ko"])


def test_libretranslate_takes_the_servers_languages_not_deep_translators_table(
    tmp_path, libre: FakeLibreTranslate
) -> None:
    # deep-translator's LibreTranslator knows 17 languages and refuses Greek, Dutch, Lithuanian.
    provider = make_provider("libretranslate", mt_settings(tmp_path, LIBRETRANSLATE_URL=libre.url))
    provider.check_languages("en", ["el", "nl", "lt", "he"])
    with pytest.raises(UnsupportedLanguageError, match="does not translate en → sw"):
        provider.check_languages("en", ["de", "sw"])
    assert provider.translate_batch(["Good morning", "Court"], "en", "el") == ["Good_el morning_el", "Court_el"]


def test_a_batch_goes_in_one_request_and_comes_back_split(tmp_path, libre: FakeLibreTranslate) -> None:
    provider = make_provider("libretranslate", mt_settings(tmp_path, LIBRETRANSLATE_URL=libre.url))
    texts = [f"Sentence number [X0X] about topic {c}a." for c in "abcdefghij"]
    assert provider.translate_batch(texts, "en", "de") == [fake_translate(t, "de") for t in texts]
    assert libre.requests == 1 and provider.requests == 1
    assert "api_key" not in libre.received[0]  # no key configured: none sent


def test_a_provider_that_drops_separators_gets_the_batch_split(tmp_path, libre: FakeLibreTranslate) -> None:
    provider = make_provider("libretranslate", mt_settings(tmp_path, LIBRETRANSLATE_URL=libre.url))
    libre.script("drop-separators")
    texts = ["One text", "Two text", "Three text", "Four text"]
    assert provider.translate_batch(texts, "en", "fr") == [fake_translate(t, "fr") for t in texts]
    assert libre.requests == 3  # the mangled batch, then its two halves


def test_plan_batches_respects_count_and_size(tmp_path) -> None:
    provider = make_provider("memory", mt_settings(tmp_path), batch_size=3, max_chars=60)
    batches = provider.plan_batches(["a" * 10] * 7 + ["b" * 45, "c"])
    assert [len(b) for b in batches] == [3, 3, 1, 2]
    assert all(sum(map(len, b)) <= 60 for b in batches)


def test_split_packed_needs_every_separator_in_order() -> None:
    assert split_packed("a\n[S1S]\nb\n[S2S]\nc", 3) == ["a", "b", "c"]
    assert split_packed("a [ S1S ] b", 2) == ["a", "b"]
    assert split_packed("a\n[S2S]\nb\n[S1S]\nc", 3) is None
    assert split_packed("a b c", 3) is None


@pytest.mark.parametrize(
    ("header", "seconds"), [("7", 7.0), (None, None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)]
)
def test_retry_after_in_seconds_or_as_a_date(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


@pytest.mark.parametrize(
    ("faults", "requests_made"),
    [
        (["429"], 2),
        (["500"], 2),
        (["503"], 2),
        (["timeout"], 2),
        (["malformed"], 2),
        (["truncated"], 2),
        (["empty"], 2),
        (["500", "429", "truncated"], 4),
    ],
)
def test_transient_faults_are_retried(
    tmp_path, libre: FakeLibreTranslate, faults: list[str], requests_made: int
) -> None:
    provider = make_provider("libretranslate", mt_settings(tmp_path, LIBRETRANSLATE_URL=libre.url), timeout=(1.0, 0.5))
    libre.script(*faults)
    assert provider.translate_batch(["Hello world"], "en", "de") == ["Hello_de world_de"]
    assert libre.requests == requests_made == provider.requests


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("500", ProviderUnavailable),
        ("429", RateLimitedError),
        ("timeout", ProviderTimeout),
        ("malformed", BadResponseError),
        ("truncated", BadResponseError),
    ],
)
def test_a_fault_that_persists_is_reported_after_the_last_attempt(
    tmp_path, libre: FakeLibreTranslate, fault: str, error: type
) -> None:
    provider = make_provider(
        "libretranslate", mt_settings(tmp_path, LIBRETRANSLATE_URL=libre.url), timeout=(1.0, 0.3), max_attempts=3
    )
    libre.always(fault)
    with pytest.raises(error, match="gave up after 3 attempts"):
        provider.translate_batch(["Hello"], "en", "de")
    assert libre.requests == 3


def test_refused_credentials_are_not_retried(tmp_path, libre: FakeLibreTranslate) -> None:
    libre.api_key = "secret"
    provider = make_provider(
        "libretranslate", mt_settings(tmp_path, LIBRETRANSLATE_URL=libre.url, LIBRETRANSLATE_API_KEY="wrong")
    )
    with pytest.raises(ProviderAuthError, match="HTTP 403"):
        provider.translate_batch(["Hello"], "en", "de")
    assert libre.requests == 1
    good = make_provider(
        "libretranslate", mt_settings(tmp_path, LIBRETRANSLATE_URL=libre.url, LIBRETRANSLATE_API_KEY="secret")
    )
    assert good.translate_batch(["Hello"], "en", "de") == ["Hello_de"]


def test_retry_after_is_honoured(tmp_path, libre: FakeLibreTranslate) -> None:
    libre.retry_after = "1"
    libre.script("429")
    provider = make_provider("libretranslate", mt_settings(tmp_path, LIBRETRANSLATE_URL=libre.url), backoff=0.0)
    started = time.monotonic()
    assert provider.translate_batch(["Hello"], "en", "de") == ["Hello_de"]
    assert 0.9 <= time.monotonic() - started < 5


def test_a_refused_connection_is_a_readable_error_without_the_text(tmp_path) -> None:
    server = FakeLibreTranslate().start()
    provider = make_provider("libretranslate", mt_settings(tmp_path, LIBRETRANSLATE_URL=server.url), max_attempts=2)
    provider.check_languages("en", ["de"])  # the language table is now known
    server.stop()
    origin = server.url.rstrip("/")
    with pytest.raises(ProviderUnavailable) as info:
        provider.translate_batch(["Secret embargoed sentence"], "en", "de")
    assert str(info.value) == (
        f"LibreTranslate at {origin} is unreachable (connection refused) (gave up after 2 attempts)"
    )
    fresh = make_provider("libretranslate", mt_settings(tmp_path, LIBRETRANSLATE_URL=server.url + "v2/"))
    with pytest.raises(ProviderUnavailable) as info:
        fresh.check_languages("en", ["de"])
    assert str(info.value) == f"LibreTranslate at {origin}/v2 is unreachable (connection refused)"


def test_connection_problems_in_a_few_words() -> None:
    try:
        requests.post("http://127.0.0.1:1/translate", params={"q": "Secret embargoed sentence"}, timeout=2)
    except requests.ConnectionError as exc:
        assert "q=Secret" in str(exc)  # what requests says...
        assert connection_problem(exc) == "connection refused"  # ...and what people read
        assert "Secret" not in without_request_text(str(exc))
        assert "HTTPConnectionPool" not in without_request_text(str(exc))
    else:
        pytest.fail("port 1 answered")
    assert connection_problem(requests.ConnectionError("odd")) == "cannot connect"


def test_client_errors_never_quote_the_text(tmp_path) -> None:
    from deep_translator import exceptions as dt

    provider = make_provider("libretranslate", mt_settings(tmp_path, LIBRETRANSLATE_URL="http://127.0.0.1:1/"))
    record = transport.CallRecord(timeout=(1.0, 1.0))
    for exc in (
        dt.NotValidLength("Secret embargoed sentence", 0, 5000),
        dt.NotValidPayload("Secret embargoed sentence"),
        dt.TranslationNotFound("Secret embargoed sentence"),
    ):
        assert "Secret" in str(exc)  # what the client library says...
        message = str(provider.classify(exc, record))
        assert "Secret" not in message and message.startswith("LibreTranslate")  # ...and what people read


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "HTTPSConnectionPool(host='libre.example', port=443): Max retries exceeded with url: "
            "/translate?q=Vilnius%2C+4+December&source=en&target=de (Caused by X)",
            "Max retries exceeded with url: /translate (Caused by X)",
        ),
        ("GET https://libre.example/translate?q=secret&api_key=k failed", "GET https://libre.example/translate failed"),
        ("HTTP 400: bad request", "HTTP 400: bad request"),
    ],
)
def test_without_request_text(message: str, expected: str) -> None:
    assert without_request_text(message) == expected


def test_deep_translator_outside_a_call_context_behaves_as_before(libre: FakeLibreTranslate) -> None:
    from deep_translator import LibreTranslator

    transport.install_for(LibreTranslator)
    client = LibreTranslator(source="en", target="de", api_key="x", custom_url=libre.url)
    assert client.translate("Hello") == "Hello_de"
    # Inside a context every request gets the timeout, and a silent server cannot hang us.
    libre.always("timeout")
    started = time.monotonic()
    with transport.call_context((1.0, 0.3)) as record, pytest.raises(requests.Timeout):
        client.translate("Hello")
    assert record.requests == 1 and time.monotonic() - started < 2
