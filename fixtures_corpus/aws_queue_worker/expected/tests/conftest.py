import boto3
import pytest
from testcontainers.community.localstack import LocalStackContainer

REGION = "us-east-1"


@pytest.fixture(scope="session")
def localstack_s3():
    localstack = LocalStackContainer(image="localstack/localstack:3.0.2")
    localstack.with_services("s3")
    localstack.start()
    yield localstack
    localstack.stop()


@pytest.fixture(scope="session")
def localstack_sqs():
    localstack = LocalStackContainer(image="localstack/localstack:3.0.2")
    localstack.with_services("sqs")
    localstack.start()
    yield localstack
    localstack.stop()


def aws_client(service, container):
    return boto3.client(service, endpoint_url=container.get_url(), region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test")


@pytest.fixture
def s3(localstack_s3):
    client = aws_client("s3", localstack_s3)
    client.create_bucket(Bucket="receipts")
    yield client
    for item in client.list_objects_v2(Bucket="receipts").get("Contents", []):
        client.delete_object(Bucket="receipts", Key=item["Key"])
    client.delete_bucket(Bucket="receipts")


@pytest.fixture
def sqs(localstack_sqs):
    client = aws_client("sqs", localstack_sqs)
    queue_url = client.create_queue(QueueName="orders")["QueueUrl"]
    yield client, queue_url
    client.delete_queue(QueueUrl=queue_url)
