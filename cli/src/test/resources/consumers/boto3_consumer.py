"""A boto3 application that gets its credentials from credential_process, for CredentialLifetimeIT
and bench/credentials: makes CALLS STS GetCallerIdentity calls through one client, spread evenly
over SIMULATED_MINUTES of simulated time, and prints one line of JSON: the calls made, the
identities they acted as, and the wall time in seconds.

Simulated time: botocore decides whether to run credential_process again by comparing the
credentials' Expiration with its clock (RefreshableCredentials' time_fetcher, a constructor
parameter that botocore's own tests replace in the same way). Before call i this script moves that
clock i * SIMULATED_MINUTES / CALLS (whole seconds) ahead of the real one and writes the same number of seconds to
CLOCK_FILE, where counting-credential-process reads it to move the Expiration the helper prints.
"""

import argparse
import datetime
import json
import sys
import time

try:
    import boto3
    from botocore.credentials import RefreshableCredentials
except ImportError:
    sys.exit("boto3 is not installed: pip install boto3")

parser = argparse.ArgumentParser()
parser.add_argument("--profile", required=True)
parser.add_argument("--endpoint", required=True)
parser.add_argument("--calls", type=int, required=True)
parser.add_argument("--simulated-minutes", type=float, default=0)
parser.add_argument("--clock-file", required=True)
args = parser.parse_args()

start = time.monotonic()
ahead = datetime.timedelta()


def simulated_now():
    return datetime.datetime.now(datetime.timezone.utc) + ahead


session = boto3.Session(profile_name=args.profile)
sts = session.client("sts", endpoint_url=args.endpoint)
credentials = session.get_credentials()  # the object the client signs with
if not isinstance(credentials, RefreshableCredentials):
    sys.exit("the credential_process output has no Expiration: botocore would never run it again")
credentials._time_fetcher = simulated_now

arns = set()
for call in range(args.calls):
    seconds_ahead = int(args.simulated_minutes * 60 * call / args.calls)
    ahead = datetime.timedelta(seconds=seconds_ahead)
    with open(args.clock_file, "w") as clock:
        clock.write(f"{seconds_ahead}\n")
    arns.add(sts.get_caller_identity()["Arn"])
print(json.dumps({"calls": args.calls, "arns": sorted(arns), "seconds": time.monotonic() - start}))
