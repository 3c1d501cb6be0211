"""Value generators for the document's own formats, and the few filters for rules between values
that JSON Schema cannot state. Each is explained in docs/fuzzing.md; none hides a finding."""

import json
import os
from datetime import date, datetime, timedelta, timezone

import schemathesis
from hypothesis import strategies as st

# One Norwegian mobile number in the three spellings the contract has, so that a request giving
# more than one of them gives the same number (the server refuses numbers that disagree).
COUNTRY_CODE = "+47"
NATIONAL_NUMBER = "91234567"
schemathesis.openapi.format("telephone-country-code", st.just(COUNTRY_CODE))
schemathesis.openapi.format("telephone-national-number", st.just(NATIONAL_NUMBER))
schemathesis.openapi.format(
    "telephone-number",
    st.sampled_from([COUNTRY_CODE + NATIONAL_NUMBER, NATIONAL_NUMBER, "+47 912 34 567"]),
)

# Codes the parsers look up in ISO tables, in any case. The two language fields name the same
# language whenever both are given (the server refuses a pair that disagrees).
schemathesis.openapi.format(
    "iso-3166-alpha-3", st.sampled_from(["NOR", "nor", "SWE", "Dnk", "DEU", "GBR", "USA"])
)
schemathesis.openapi.format("iso-639-3", st.sampled_from(["NOB", "nob", "Nob"]))
schemathesis.openapi.format("iso-639-1", st.sampled_from(["NO", "nb", "NB", "no"]))

schemathesis.openapi.format(
    "birth-date",
    st.dates(min_value=date(1900, 1, 1), max_value=date.today() - timedelta(days=1)).map(
        lambda d: d.isoformat()
    ),
)


def instants(earliest: datetime, latest: datetime):
    """RFC 3339 date-times with and without fractions and offsets, and plain dates."""
    offsets = st.sampled_from(["Z", "z", "+00:00", "+01:00", "-05:30", "+14:00"])
    stamps = st.datetimes(
        min_value=earliest.replace(tzinfo=None), max_value=latest.replace(tzinfo=None)
    )
    date_times = st.builds(
        lambda t, offset, fraction: f"{t.year:04d}-{t:%m-%dT%H:%M:%S}"
        + (f".{t.microsecond:06d}"[: fraction + 1] if fraction else "")
        + offset,
        stamps,
        offsets,
        st.integers(min_value=0, max_value=6),
    )
    dates = stamps.map(lambda t: f"{t.year:04d}-{t:%m-%d}")
    return st.one_of(date_times, dates)


# The whole accepted range, kept a day away from its ends so an offset cannot carry it out.
schemathesis.openapi.format(
    "instant", instants(datetime(1, 1, 2), datetime(9999, 12, 30))
)
# "In the future" is judged when the request arrives: a day ahead at the least.
schemathesis.openapi.format(
    "future-instant",
    instants(datetime.now() + timedelta(days=2), datetime(9999, 12, 30)),
)


# Rules between values that JSON Schema cannot state. Only positive cases are filtered (a negative
# case is refused whatever else it holds), and each filter removes exactly the cases its rule
# refuses; docs/fuzzing.md lists them.


def _positive(case) -> bool:
    return case.meta is None or case.meta.generation.mode.is_positive


def _instant(text):
    """The moment an `instant` names (a date is its midnight in UTC)."""
    if text is None:
        return None
    if len(text) == 10:
        text += "T00:00:00+00:00"
    return datetime.fromisoformat(text.replace("z", "Z")).astimezone(timezone.utc)


# Where a search can start: each of these alone selects a bounded set of profiles.
SEARCH_STARTS = (
    "email", "telephoneNumber", "telephoneNumberNoCountryCode", "landlineNumber", "customerRef",
    "vippsId", "surname", "firstName", "dateOfBirth", "postCode",
)


def _refused_together(case) -> bool:
    path, body, query = case.operation.path, case.body, case.query or {}
    if path in ("/profiles", "/profiles-search") and case.method.upper() == "GET":
        # A search names at least one value to start from.
        return not any(query.get(name) not in (None, "") for name in SEARCH_STARTS)
    if not isinstance(body, (dict, list)):
        return False
    if path.endswith("/connect"):
        # The deprecated temporaryCustomerNumber, when given with customerNumberToConnect, names
        # the same profile.
        a, b = body.get("customerNumberToConnect"), body.get("temporaryCustomerNumber")
        return a is not None and b is not None and a != b
    if "/ecards" in path and isinstance(body, dict):
        # Ownership ends after it starts (now, when no start is given); shipping follows booking.
        start = _instant(body.get("startOfOwnership")) or datetime.now(timezone.utc)
        end = _instant(body.get("endOfOwnership"))
        booked, shipped = _instant(body.get("bookingDate")), _instant(body.get("shippingDate"))
        return (end is not None and end < start) or (
            booked is not None and shipped is not None and shipped < booked
        )
    if path.endswith("/preferences") and isinstance(body, list):
        # A whole set of choices names each preference once.
        ids = [c.get("preferenceId") for c in body if isinstance(c, dict)]
        return len(ids) != len(set(ids))
    return False


@schemathesis.hook
def filter_case(context, case):
    return not (_positive(case) and _refused_together(case))


# What exists: infra/local/fuzz.sh creates profiles (seed.py) before the run and names them here.
# Most generated identifiers in a path are swapped for a seeded profile's own (its number, account,
# address, note, e-card, chosen preference, reference; a temporary profile on the temporary
# paths), so an operation meets real data and not only 404s. The rest stay as generated, so
# unknown identifiers are still tried. Which ones are swapped follows from the generated value,
# so a run is as repeatable as its seed.
SEEDS = json.loads(os.environ.get("FUZZ_SEEDS", "[]"))


def _pick(value):
    """The seed to swap `value` for, or None to keep it."""
    if not SEEDS or isinstance(value, bool):
        return None
    if isinstance(value, int):
        key = value
    elif isinstance(value, str):
        key = len(value) + sum(map(ord, value[:8]))
    else:
        return None
    return SEEDS[key % len(SEEDS)] if key % 4 else None


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict) or not path_parameters:
        return path_parameters
    first = next(iter(path_parameters.values()))
    seed = _pick(path_parameters.get("customerNumber", first))
    if seed is None:
        return path_parameters
    temporary = "/temporary/" in context.operation.path
    for name in path_parameters:
        if name == "customerNumber" and temporary:
            path_parameters[name] = seed["temporaryCustomerNumber"]
        elif name in seed:
            path_parameters[name] = seed[name]
    return path_parameters


# The token's organisation: most generated organisationIds (in bodies and in the search's query)
# are swapped for it, so positive cases pass the tenant check and reach the rules behind it.
ORGANISATION = int(os.environ.get("FUZZ_ORGANISATION", "0") or 0)


def _own_organisation(container):
    value = container.get("organisationId") if isinstance(container, dict) else None
    if ORGANISATION and isinstance(value, int) and not isinstance(value, bool) and value % 4:
        container["organisationId"] = ORGANISATION
    return container


@schemathesis.hook
def map_body(context, body):
    if isinstance(body, list):
        return [_own_organisation(item) for item in body]
    return _own_organisation(body)


@schemathesis.hook
def map_query(context, query):
    return _own_organisation(query)


# What the run met: every answer's status per operation, written to $FUZZ_TALLY when set, so
# docs/fuzzing.md can say how many requests reached each operation's rules.
TALLY = os.environ.get("FUZZ_TALLY")


@schemathesis.hook
def after_call(context, case, response):
    if TALLY:
        with open(TALLY, "a", encoding="utf-8") as tally:
            tally.write(f"{case.method.upper()} {case.operation.path} {response.status_code}\n")


def _seed_of(case):
    number = (case.path_parameters or {}).get("customerNumber")
    return next((s for s in SEEDS if s["customerNumber"] == number), None)


@schemathesis.hook
def map_case(context, case):
    """Credentials and chosen preferences that can succeed: a seeded profile's email and password
    (its own, on its own path), and a catalogue preference no profile has chosen yet, in most
    positive bodies."""
    body = case.body
    # A negative case stays as generated: filling in a member could make it valid.
    if not SEEDS or not isinstance(body, dict) or not _positive(case):
        return case
    path = case.operation.path
    if path == "/profiles/verify-credentials":
        seed = _pick(body.get("email"))
        if seed is not None:
            body["email"], body["password"] = seed["email"], seed["password"]
    elif path.endswith("/change-password"):
        seed = _seed_of(case)
        if seed is not None and _pick(body.get("newPassword")) is not None:
            body["oldPassword"] = seed["password"]
    elif path.endswith("/preferences") and path.startswith("/profiles/"):
        if _pick(body.get("preferenceId")) is not None:
            body["preferenceId"] = SEEDS[0]["sparePreferenceId"]
    return case
