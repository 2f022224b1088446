"""Signs and verifies webhook messages with Svix's own library, for tests/webhook.rs.

Reads one JSON object on stdin:
  {"sign":   [{"secret": "whsec_...", "id": "msg_...", "timestamp": 1700000000, "body": "<base64>"}],
   "verify": [{"secret": "whsec_...", "headers": {"svix-id": ...}, "body": "<base64>"}]}
and prints {"signatures": ["v1,..."], "verified": [null or "<error>"]}.
Needs `pip install svix`.
"""
import base64
import json
import sys
from datetime import datetime, timezone

from svix.webhooks import Webhook, WebhookVerificationError

request = json.load(sys.stdin)
signatures = [
    Webhook(case["secret"]).sign(
        case["id"],
        datetime.fromtimestamp(case["timestamp"], tz=timezone.utc),
        base64.b64decode(case["body"]),
    )
    for case in request.get("sign", [])
]
verified = []
for case in request.get("verify", []):
    try:
        Webhook(case["secret"]).verify(base64.b64decode(case["body"]), case["headers"])
        verified.append(None)
    except WebhookVerificationError as error:
        verified.append(str(error))
json.dump({"signatures": signatures, "verified": verified}, sys.stdout)
