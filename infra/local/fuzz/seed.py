"""Creates the profiles the fuzzer's operations meet, over the API, and prints them as JSON for
hooks.py: each permanent profile with an account, an address, a note, an e-card and a chosen
preference from the catalogue, and a temporary profile beside it; and a second catalogue
preference no profile has chosen.

Usage: python3 seed.py BASE_URL TOKEN ORGANISATION [COUNT]"""

import json
from datetime import datetime, timedelta, timezone
import random
import sys
import urllib.error
import urllib.request


def call(base, token, method, path, body=None):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "ET-Client-Name": "fuzz-seed",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        sys.exit(f"seeding: {method} {path} answered {error.code}: {error.read().decode()[:500]}")


def main():
    base, token, organisation = sys.argv[1], sys.argv[2], int(sys.argv[3])
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 6
    tag = random.randrange(10**9)
    preference = call(base, token, "POST", "/preferences", {
        "preferenceCode": f"FUZZ-{tag}", "preferenceType": "NEWSLETTER", "isActive": True,
        "preferenceDescription": "seeded for the fuzzer",
    })["id"]
    spare = call(base, token, "POST", "/preferences", {
        "preferenceCode": f"FUZZ-SPARE-{tag}", "preferenceType": "NEWSLETTER", "isActive": True,
    })["id"]
    seeds = []
    for i in range(count):
        reference = f"fuzz-ref-{tag}-{i}"
        profile = call(base, token, "POST", "/profiles", {
            "organisationId": organisation, "firstName": "Fuzz", "surname": f"Seed{i}",
            "email": f"fuzz-seed-{tag}-{i}@example.com", "createdBy": "fuzz",
            "createdByChannel": "fuzz", "password": f"Seed-pass-{i}", "customerRef": reference,
        })
        number = profile["customerNumber"]
        account = f"fuzz-account-{tag}-{i}"
        call(base, token, "POST", f"/profiles/{number}/customer-accounts",
             {"accountId": account, "alias": "travel"})
        address = call(base, token, "POST", f"/profiles/{number}/postal-addresses", {
            "postCode": "0150", "town": "Oslo", "countryCode": "NOR", "addressLine1": f"Storgata {i}",
        })["id"]
        note = call(base, token, "POST", f"/profiles/{number}/notes",
                    {"text": "seeded", "createdBy": "fuzz"})["id"]
        ecard = call(base, token, "POST", f"/profiles/{number}/ecards", {
            "ecardNumber": 1000 + i, "ecardOperator": "ENTUR", "ecardName": "seeded",
            "ecardNumber16digits": f"{1000 + i:016d}",
        })["id"]
        call(base, token, "POST", f"/profiles/{number}/preferences",
             {"preferenceId": preference, "sparePreferenceId": spare, "preferenceValue": "weekly"})
        temporary = call(base, token, "POST", "/profiles/temporary", {
            "createdBy": "fuzz", "createdByChannel": "fuzz", "firstName": "Temporary",
            "expirationDate": (datetime.now(timezone.utc) + timedelta(days=30)).isoformat(),
        })["customerNumber"]
        seeds.append({
            "customerNumber": number, "customerRef": reference, "accountId": account,
            "addressId": address, "noteId": note, "ecardId": ecard, "preferenceId": preference, "sparePreferenceId": spare,
            "temporaryCustomerNumber": temporary,
            "email": f"fuzz-seed-{tag}-{i}@example.com", "password": f"Seed-pass-{i}",
        })
    print(json.dumps(seeds))


if __name__ == "__main__":
    main()
