"""Read order messages from SQS, write a receipt per order to S3, delete what was handled."""

from __future__ import annotations

import json


class Worker:
    def __init__(self, sqs, s3, queue_url: str, bucket: str) -> None:
        self.sqs, self.s3 = sqs, s3
        self.queue_url, self.bucket = queue_url, bucket

    def process_once(self, wait_seconds: int = 1) -> int:
        """Handle what the queue holds now; returns how many messages were handled."""
        reply = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds)
        handled = 0
        for message in reply.get("Messages", []):
            order = json.loads(message["Body"])
            receipt = {"order": order["id"], "total": round(sum(item["price"] for item in order["items"]), 2)}
            self.s3.put_object(Bucket=self.bucket, Key=f"receipts/{order['id']}.json", Body=json.dumps(receipt))
            self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
            handled += 1
        return handled
