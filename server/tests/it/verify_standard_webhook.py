"""Verifies one delivery with the reference Standard Webhooks library (PyPI
`standardwebhooks`): an implementation independent of Vox's.
Usage: python3 verify_standard_webhook.py SECRET ID TIMESTAMP SIGNATURE < body"""
import sys

from standardwebhooks.webhooks import Webhook

secret, msg_id, timestamp, signature = sys.argv[1:5]
body = sys.stdin.buffer.read()
Webhook(secret).verify(body, {"webhook-id": msg_id, "webhook-timestamp": timestamp, "webhook-signature": signature})
print("verified")
