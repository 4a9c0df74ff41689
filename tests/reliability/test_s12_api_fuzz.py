"""S-12: schemathesis against /api/v1/openapi.json, in-process, as a learner and as an administrator, with data
that fits the document and data that does not: 0 server errors and 0 schema violations (status codes, content
types and bodies as documented).

The fast run (`make test`) tries a few examples of each operation; the full run (marker `reliability`) tries
at least 200 per operation, as the catalogue asks. Both end with schemathesis' stateful phase (sequences of calls
along the links it infers: start, save, submit, read; create, edit, retire). Both use a fixed seed.
"""

import os

import pytest
from schemathesis import GenerationMode

from tests.reliability.api_fuzz import Tally, fuzz_operation, fuzz_stateful, keep_callers, load_schema, operations

FAST_EXAMPLES = 5  # per operation, mode and run: about 300 requests
FULL_EXAMPLES = int(100 * float(os.environ.get("RELIABILITY_SCALE", "1")))  # x 2 modes: >= 200 per operation


def run_fuzz(app, org, api_world, examples: int, sequences: int) -> Tally:
    tokens, known = api_world
    restore = keep_callers(org)
    schema = load_schema(app)
    tally = Tally()
    documented = operations(schema)
    for operation in documented:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz_operation(operation, tally, tokens=tokens, known=known, examples=examples, mode=mode,
                           reset=restore)
    covered = len(tally.operations)
    stateful = Tally()
    fuzz_stateful(schema, stateful, tokens=tokens, examples=sequences, steps=6, reset=restore)
    print(f"\nS-12: {tally.summary()}")
    print(f"S-12 stateful: {sequences} sequences of up to 6 calls per caller: {stateful.summary()}"
          + (f"; stopped early (replay met a changed world) for {stateful.stopped}" if stateful.stopped else ""))
    tally.failures += stateful.failures
    for failures in tally.distinct().values():
        print(f"  {len(failures)} x {failures[0]}")
    assert covered == len(documented) >= 30 and stateful.examples >= sequences
    return tally


def test_s12_api_fuzz_fast(app, org, api_world):
    tally = run_fuzz(app, org, api_world, FAST_EXAMPLES, sequences=5)
    assert tally.failures == []


@pytest.mark.reliability
def test_s12_api_fuzz_full(app, org, api_world):
    tally = run_fuzz(app, org, api_world, FULL_EXAMPLES, sequences=FULL_EXAMPLES)
    assert tally.failures == []
    assert tally.examples >= 200 * len(tally.operations) * 0.9  # hypothesis may stop early on small domains
