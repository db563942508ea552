"""Fixtures for the infrastructure tests: a real S3 server (moto), a clean cache."""

import os
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from django.core.cache import cache

S3_REGION = "ca-central-1"


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate-limit counters live in the (Redis) cache, which outlives a test: start each test from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def s3_endpoint():
    endpoint = os.environ.get("TEST_S3_ENDPOINT_URL")
    if not endpoint:
        pytest.fail("TEST_S3_ENDPOINT_URL must point at an S3 server (make test starts moto's server mode).")
    return endpoint


def _bucket_on(settings, *, endpoint: str, key: str, secret: str, expiry: int):
    """Create a fresh bucket on an S3 server and switch STORAGES to it the way production settings do."""
    bucket = f"test-{uuid.uuid4().hex[:16]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3_REGION,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.AWS_S3_ENDPOINT_URL = endpoint
    settings.AWS_S3_REGION_NAME = S3_REGION
    settings.AWS_ACCESS_KEY_ID = key
    settings.AWS_SECRET_ACCESS_KEY = secret
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_S3_SIGNATURE_VERSION = "s3v4"
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.AWS_DEFAULT_ACL = None
    settings.PRIVATE_MEDIA_URL_EXPIRY = expiry
    # Last: changing STORAGES drops the storage instances, which are rebuilt from the settings above.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "marketplace.common.storage.PublicS3Storage"},
        "public": {"BACKEND": "marketplace.common.storage.PublicS3Storage"},
        "private": {"BACKEND": "marketplace.common.storage.PrivateS3Storage"},
    }
    return client, bucket


def _empty_and_delete(client, bucket) -> None:
    for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
        client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


@pytest.fixture
def s3_bucket(settings, s3_endpoint):
    """A fresh bucket on the S3 server (moto), with STORAGES switched to it."""
    client, bucket = _bucket_on(settings, endpoint=s3_endpoint, key="testing", secret="testing", expiry=300)
    yield client, bucket
    _empty_and_delete(client, bucket)


@pytest.fixture
def expiring_s3_bucket(settings):
    """A bucket on s3rver, which (unlike moto) refuses a signed link once expired; links last 1 second."""
    endpoint = os.environ.get("TEST_S3RVER_ENDPOINT_URL")
    if not endpoint:
        pytest.fail("TEST_S3RVER_ENDPOINT_URL must point at s3rver (make test starts it).")
    # s3rver's fixed credentials.
    client, bucket = _bucket_on(settings, endpoint=endpoint, key="S3RVER", secret="S3RVER", expiry=1)
    yield client, bucket
    _empty_and_delete(client, bucket)


def http_get(url):
    """GET a URL of the test S3 server: (status, headers, body), errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the test S3 server)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()
