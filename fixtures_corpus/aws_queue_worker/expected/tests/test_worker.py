import json

from queue_worker import Worker


def send_order(sqs, order):
    client, queue_url = sqs
    client.send_message(QueueUrl=queue_url, MessageBody=json.dumps(order))


def test_a_message_becomes_a_receipt(s3, sqs):
    send_order(sqs, {"id": "o-1", "items": [{"price": 2.5}, {"price": 4.25}]})
    worker = Worker(sqs[0], s3, sqs[1], "receipts")
    assert worker.process_once() == 1
    body = s3.get_object(Bucket="receipts", Key="receipts/o-1.json")["Body"].read()
    assert json.loads(body) == {"order": "o-1", "total": 6.75}


def test_handled_messages_leave_the_queue(s3, sqs):
    send_order(sqs, {"id": "o-2", "items": []})
    worker = Worker(sqs[0], s3, sqs[1], "receipts")
    assert worker.process_once() == 1
    assert worker.process_once(wait_seconds=0) == 0


def test_empty_queue(s3, sqs):
    assert Worker(sqs[0], s3, sqs[1], "receipts").process_once(wait_seconds=0) == 0
    assert s3.list_objects_v2(Bucket="receipts").get("KeyCount", 0) == 0
