"""Sends a webhook signed by Svix's own library to a receiver, as Gladia (through Svix) would.

    python3 tests/webhook/send_signed.py http://127.0.0.1:3000/webhook whsec_... [EVENT]

EVENT is `transcription.success` by default. Prints the receiver's status. Needs `pip install svix`.
"""
import json
import sys
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone

from svix.webhooks import Webhook

url, secret = sys.argv[1], sys.argv[2]
event = sys.argv[3] if len(sys.argv) > 3 else "transcription.success"
body = json.dumps({"event": event, "payload": {"id": str(uuid.uuid4())}}).encode()
msg_id = "msg_" + uuid.uuid4().hex
now = datetime.now(tz=timezone.utc)
request = urllib.request.Request(
    url,
    data=body,
    method="POST",
    headers={
        "content-type": "application/json",
        "svix-id": msg_id,
        "svix-timestamp": str(int(now.timestamp())),
        "svix-signature": Webhook(secret).sign(msg_id, now, body),
    },
)
try:
    with urllib.request.urlopen(request) as response:
        print(response.status)
except urllib.error.HTTPError as error:
    print(error.code)
    sys.exit(1)
