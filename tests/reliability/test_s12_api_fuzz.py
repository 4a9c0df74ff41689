"""S-12: schemathesis against /api/v1/openapi.json, in-process, as a learner and as an administrator, with data
that fits the document and data that does not: 0 server errors and 0 schema violations (status codes, content
types and bodies as documented).

The fast run (`make test`) tries a few examples of each operation; the full run (marker `reliability`) tries
at least 200 per operation, as the catalogue asks. Both use a fixed seed, so a failure is reproducible.
"""

import os

import pytest
from schemathesis import GenerationMode

from tests.reliability.api_fuzz import Tally, fuzz_operation, keep_callers, load_schema, operations

FAST_EXAMPLES = 5  # per operation, mode and run: about 300 requests
FULL_EXAMPLES = int(100 * float(os.environ.get("RELIABILITY_SCALE", "1")))  # x 2 modes: >= 200 per operation


def run_fuzz(app, org, api_world, examples: int) -> Tally:
    tokens, known = api_world
    restore = keep_callers(org)
    schema = load_schema(app)
    tally = Tally()
    documented = operations(schema)
    for operation in documented:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz_operation(operation, tally, tokens=tokens, known=known, examples=examples, mode=mode,
                           reset=restore)
    print(f"\nS-12: {tally.summary()}")
    for failures in tally.distinct().values():
        print(f"  {len(failures)} x {failures[0]}")
    assert len(tally.operations) == len(documented) >= 30
    return tally


def test_s12_api_fuzz_fast(app, org, api_world):
    tally = run_fuzz(app, org, api_world, FAST_EXAMPLES)
    assert tally.failures == []


@pytest.mark.reliability
def test_s12_api_fuzz_full(app, org, api_world):
    tally = run_fuzz(app, org, api_world, FULL_EXAMPLES)
    assert tally.failures == []
    assert tally.examples >= 200 * len(tally.operations) * 0.9  # hypothesis may stop early on small domains
